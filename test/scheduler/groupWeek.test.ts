import { describe, expect, it } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import type { Caller, CommandContext } from "../../src/core/command.ts";
import { silentLogger } from "../../src/core/ports.ts";
import type { Reply } from "../../src/core/reply.ts";
import { groupWeekFor } from "../../src/engine/progress/week.ts";
import { NudgeScheduler } from "../../src/scheduler/scheduler.ts";
import { memoryBackend } from "../../src/store/memory/memoryStore.ts";
import { ManualClock, runLine, testContext, testKnowledge } from "../helpers.ts";

/**
 * A group's week in its nudge, wired as app.ts wires it: only members who agreed in that group are
 * counted, a name only with consent, never a score or a percent right.
 */

const GROUP = "test:group-7";

async function world() {
  const clock = new ManualClock("2026-11-16T10:00:00Z");
  const store = memoryBackend().repositories;
  const sent: Array<{ address: string; reply: Reply }> = [];
  const scheduler = new NudgeScheduler({
    queue: store.nudgeQueue,
    knowledge: await testKnowledge(),
    clock,
    logger: silentLogger,
    send: async (address, reply) => {
      sent.push({ address, reply });
    },
    weekOf: (address, slot, day) => groupWeekFor(store, address, slot, day),
  });
  const base = await testContext({ clock, store, nudges: scheduler });
  const as = (caller: Caller): CommandContext => ({ ...base, caller });
  const run = async (line: string, caller: Caller) => {
    const outcome = await runLine(line, as(caller));
    if (!outcome.ok) throw new Error(`${line}: ${JSON.stringify(outcome.reply.data)}`);
    return outcome;
  };
  return { clock, store, sent, scheduler, run };
}

const member = (id: string, displayName: string, where: "private" | "group"): Caller => ({
  userId: `test:${id}`,
  address: where === "group" ? GROUP : `test:${id}`,
  chatKind: where,
  displayName,
  canManage: async () => true,
});

describe("the group's week in its daily nudge", () => {
  it("GIVEN three members who log, two of whom share (one by name) THEN the summary day's nudge counts only those two, names only the one, and shows no score", async () => {
    const { clock, sent, scheduler, run } = await world();
    const [asha, omar, lena] = [
      ["asha", "Asha"],
      ["omar", "Omar"],
      ["lena", "Lena"],
    ].map(([id = "", name = ""]) => ({ dm: member(id, name, "private"), group: member(id, name, "group") }));
    if (!asha || !omar || !lena) throw new Error("members");
    // Summary on Sundays; 22 November 2026 is a Sunday, so its week is 15-21 November.
    await run("/nudge start time:08:00 timezone:UTC summary_day:sun", asha.group);
    for (const person of [asha, omar, lena]) await run("/profile set timezone:UTC", person.dm);
    await run("/log share:yes name:yes", asha.group);
    await run("/log share:yes", omar.group);
    for (let day = 15; day <= 21; day++) {
      clock.set(`2026-11-${day}T20:00:00Z`);
      await run("/log questions:50 correct:45", asha.dm);
      if (day % 2 === 1) await run("/log questions:30 correct:12", omar.dm);
      await run("/log questions:500 correct:490", lena.dm);
    }
    // Logged before the week: not counted in it.
    await run("/log questions:70 date:2026-11-14", omar.dm);

    clock.set("2026-11-21T08:00:00Z");
    await scheduler.tick();
    const saturday = sent.at(-1);
    expect(saturday?.reply.data.group_week).toBeUndefined();

    clock.set("2026-11-22T08:00:00Z");
    await scheduler.tick();
    const sunday = sent.at(-1);
    expect(sunday?.address).toBe(GROUP);
    expect(sunday?.reply.data.group_week).toEqual({
      from: "2026-11-15",
      to: "2026-11-21",
      members: [
        { name: "Asha", questions: 350, everyDay: true, streak: 7 },
        { questions: 120, everyDay: false, streak: 1 },
      ],
    });
    const whole = renderPlain(sunday?.reply ?? { blocks: [], data: {} });
    // The summary follows the day's tip (whose words are the knowledge base's).
    const text = whole.slice(whole.indexOf("Week in review"));
    expect(text).toContain("from the 2 member(s) who share their log here: 470 questions logged");
    expect(text).toContain("2 logged at least once, 1 kept a streak all week");
    expect(text).toContain("Asha: 350 questions, a 7-day streak");
    expect(whole).not.toContain("Omar");
    expect(whole).not.toContain("Lena");
    expect(text).not.toMatch(/%|right|correct/);
    // Lena's 3,500 questions are hers alone: she never agreed here.
    expect(text).not.toContain("3,970");
  });

  it("GIVEN a private chat THEN summary_day is refused: the summary is a group's", async () => {
    const { run } = await world();
    const dm = member("asha", "Asha", "private");
    await expect(run("/nudge start time:08:00 timezone:UTC summary_day:sun", dm)).rejects.toThrow(
      /summary_day.*is for group nudges/,
    );
  });
});
