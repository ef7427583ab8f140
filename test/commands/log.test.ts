import { describe, expect, it } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import type { Caller, CommandContext } from "../../src/core/command.ts";
import { RISING_SCORES } from "../fixtures/progress.ts";
import { ManualClock, memoryContext, runLine, testCaller } from "../helpers.ts";

/** One person's commands over a memory store and a clock the test moves; `data` is the reply's JSON. */
async function person(at: string, caller: Caller = testCaller) {
  const clock = new ManualClock(at);
  const { ctx, document } = await memoryContext({ clock });
  const as = (who: Caller): CommandContext => ({ ...ctx, caller: who });
  const run = async (line: string, who: Caller = caller) => {
    const outcome = await runLine(line, as(who));
    // biome-ignore lint/suspicious/noExplicitAny: reply data is JSON whose shape each test asserts on
    const data = outcome.reply.data as Record<string, any>;
    return { ...outcome, text: renderPlain(outcome.reply), data };
  };
  return { clock, run, ctx, document };
}

describe("/log", () => {
  it("GIVEN no time zone saved THEN logging is refused with the command that sets one, and nothing is stored", async () => {
    const { run, document } = await person("2026-11-25T12:00:00Z");
    const outcome = await run("/log questions:40");
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain("/profile set timezone:");
    expect(document.read().users).toEqual({});
  });

  it("GIVEN a future date, a negative count, correct over questions, or correct with percent THEN each is refused with its own message and nothing is logged", async () => {
    const { run, ctx } = await person("2026-11-25T20:00:00Z");
    await run("/profile set timezone:Asia/Kolkata");
    // 20:00 UTC is already 26 November in Kolkata: that day is today, the 27th is the future.
    const future = await run("/log questions:40 date:2026-11-27");
    expect(future.text).toContain("`date` 2026-11-27 is in the future (today is 2026-11-26 in Asia/Kolkata)");
    expect((await run("/log questions:40 date:2026-11-26")).ok).toBe(true);
    expect((await run("/log questions:-5")).text).toContain("`questions`: -5 is negative");
    expect((await run("/log questions:40 correct:-1")).text).toContain("`correct`: -1 is negative");
    expect((await run("/log questions:40 correct:45")).text).toContain(
      "`correct` (45) is more than `questions` (40)",
    );
    expect((await run("/log questions:40 correct:30 percent:75")).text).toContain(
      "Give `correct` or `percent`, not both",
    );
    expect((await run("/log questions:0")).text).toContain("`questions` is 0");
    expect(await ctx.services.store.studyLog.list(testCaller.userId)).toHaveLength(1);
  });

  it("GIVEN two sessions on one day THEN they add up to one day of the streak, percent becomes a count, and list and remove work by id", async () => {
    const { run } = await person("2026-11-25T06:00:00Z");
    await run("/profile set timezone:America/New_York");
    const first = await run("/log add questions:40 correct:30 exam:step2ck");
    expect(first.data.session).toMatchObject({ id: "1", date: "2026-11-25", questions: 40, correct: 30 });
    const second = await run('/log questions:20 percent:75 note:"cardio block"');
    expect(second.data.session).toMatchObject({ id: "2", correct: 15, note: "cardio block" });
    expect(second.data.day).toEqual({ date: "2026-11-25", questions: 60 });
    expect(second.data.streak).toEqual({ current: 1, longest: 1 });
    expect((await run("/log")).text).toContain("#2 2026-11-25: 20 questions, 15 right (75%) (cardio block)");
    expect((await run("/log remove id:#1")).data.removed).toMatchObject({ id: "1" });
    expect((await run("/log remove id:1")).text).toContain("There is no study session #1. Your sessions: #2");
  });
});

describe("/streak across time zones and a daylight-saving change", () => {
  it("GIVEN a user who logs every day in Kolkata, moves to New York and keeps logging across the US spring-forward THEN the streak never breaks and no day counts twice", async () => {
    const { clock, run } = await person("2027-03-01T15:30:00Z");
    await run("/profile set timezone:Asia/Kolkata");
    // 1-5 March at 21:00 in Kolkata (15:30 UTC).
    for (let day = 1; day <= 5; day++) {
      clock.set(`2027-03-0${day}T15:30:00Z`);
      await run("/log questions:50 correct:40");
    }
    // 6 March, 08:00 in Kolkata: a morning session, then the flight west.
    clock.set("2027-03-06T02:30:00Z");
    await run("/log questions:20");
    clock.set("2027-03-06T03:00:00Z"); // 5 March, 22:00 in New York
    await run("/profile set timezone:America/New_York");
    const landed = await run("/streak");
    expect(landed.data.today).toBe("2027-03-05");
    // The Kolkata 6 March is "tomorrow" here; it still ends the streak rather than breaking it.
    expect(landed.data.streak).toMatchObject({ current: 6, longest: 6, last7: 270 });
    // Logging again on New York's 5 March adds to that day: still six days.
    clock.set("2027-03-06T03:10:00Z");
    await run("/log questions:10");
    expect((await run("/streak")).data.streak).toMatchObject({ current: 6, longest: 6, last7: 280 });
    // Then every evening at 23:30 New York time, 6-16 March (EST is UTC-5 until the spring-forward
    // on 14 March at 02:00, EDT UTC-4 after), and once at 00:30 on the 14th itself.
    for (let day = 6; day <= 16; day++) {
      const next = String(day + 1).padStart(2, "0");
      clock.set(day < 14 ? `2027-03-${next}T04:30:00Z` : `2027-03-${next}T03:30:00Z`);
      const logged = await run("/log questions:30");
      expect(logged.data.session.date, `the evening of ${day} March`).toBe(
        `2027-03-${String(day).padStart(2, "0")}`,
      );
    }
    clock.set("2027-03-14T05:30:00Z");
    expect((await run("/log questions:20 date:2027-03-14")).data.day).toEqual({
      date: "2027-03-14",
      questions: 50,
    });
    clock.set("2027-03-17T03:45:00Z"); // 16 March, 23:45 EDT
    const after = await run("/streak");
    expect(after.data.today).toBe("2027-03-16");
    expect(after.data.streak).toMatchObject({ current: 16, longest: 16 });
    // The last 7 days, 10-16 March: 30 a day, and the extra 20 on the 14th.
    expect(after.data.streak.last7).toBe(230);
  });

  it("GIVEN a day with nothing logged THEN the current streak starts again and the longest keeps the earlier run", async () => {
    const { clock, run } = await person("2026-11-01T12:00:00Z");
    await run("/profile set timezone:UTC");
    for (const day of ["01", "02", "03", "05", "06"]) {
      clock.set(`2026-11-${day}T12:00:00Z`);
      await run("/log questions:10");
    }
    clock.set("2026-11-07T08:00:00Z");
    // Today (the 7th) has nothing yet: the run to yesterday still counts.
    expect((await run("/streak")).data.streak).toMatchObject({ current: 2, longest: 3 });
    clock.set("2026-11-08T08:00:00Z");
    expect((await run("/streak")).data.streak).toMatchObject({ current: 0, longest: 3 });
  });
});

describe("the log in /streak's pace, /readiness and /plan", () => {
  async function studied() {
    const p = await person("2026-11-01T12:00:00Z");
    await p.run("/profile set timezone:Asia/Kolkata step2ck_date:2027-03-01 qbank:3000");
    // Two weeks of sessions, 14-27 November, 50 questions a day with 35 right.
    for (let day = 14; day <= 27; day++) {
      p.clock.set(`2026-11-${day}T12:00:00Z`);
      await p.run("/log questions:50 correct:35 exam:step2ck");
    }
    p.clock.set("2026-11-28T06:00:00Z");
    for (const [date, value] of RISING_SCORES) {
      await p.run(`/score add exam:step2ck test:"Form ${value}" score:${value} date:${date}`);
    }
    return p;
  }

  it("GIVEN two weeks of logged sessions THEN /streak gives the streak, the windows and the pace against the plan and the bank", async () => {
    const { run } = await studied();
    const streak = await run("/streak");
    // Today (the 28th) has nothing logged yet: the last 7 days are 22-28 November.
    expect(streak.data.streak).toEqual({ current: 14, longest: 14, last7: 300, last28: 700 });
    expect(streak.data.percent_correct).toEqual({ last7: 70, last28: 70 });
    expect(streak.data.pace.perDay).toBe(43);
    expect(streak.data.pace.phase).toMatchObject({ name: "Foundation", standing: "within" });
    expect(streak.data.pace.qbank).toMatchObject({ left: 2300, saved: 3000, loggedSince: 700 });
    expect(streak.text).toContain(
      "Question bank: 2,300 questions left (3,000 on 2026-11-01, less 700 logged since)",
    );
    expect(streak.text).toContain("At your pace you finish it on 2027-01-21");
  });

  it("GIVEN a logged bank and sessions THEN /readiness mentions the bank's completion and recent percent right beside the scores", async () => {
    const { run } = await studied();
    const readiness = await run("/readiness exam:step2ck");
    expect(readiness.text).toMatch(/Question bank\s+23% done by your log: 700 questions logged, 2,300 left/);
    expect(readiness.text).toMatch(/Last 28 days of questions\s+700 questions, 70% right/);
    expect(readiness.data.log).toEqual({
      questions: 700,
      qbank_left: 2300,
      qbank_done_percent: 23,
      last28: { questions: 700, percent_correct: 70 },
    });
  });

  it("GIVEN a logged bank THEN /plan starts from what is done: the questions left, and a new qbank figure is kept", async () => {
    const { run } = await studied();
    const plan = await run("/plan exam:step2ck");
    expect(plan.data.done).toEqual({ questions: 700, since: "2026-11-14" });
    expect(plan.data.qbank_left).toBe(2300);
    expect(plan.text).toContain(
      "Already done: 700 questions logged since 2026-11-14; 2,300 questions of your bank are left",
    );
    const told = await run("/plan exam:step2ck qbank:2000");
    expect(told.data.qbank_left).toBe(2000);
    expect((await run("/streak")).data.pace.qbank).toMatchObject({ left: 2000, loggedSince: 0 });
  });

  it("GIVEN two weeks of sessions and four practice scores THEN /progress sends one PNG with a description of everything it shows", async () => {
    const { run } = await studied();
    const progress = await run("/progress exam:step2ck");
    expect(progress.ok).toBe(true);
    expect(progress.to).toBe("sender");
    const [file] = progress.reply.files ?? [];
    expect(file?.mime).toBe("image/png");
    expect(
      Buffer.from(file?.data ?? [])
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect(progress.data.points.map((p: { value: number }) => p.value)).toEqual([228, 236, 241, 246]);
    expect(progress.data.target).toMatchObject({ low: 256, high: 261 });
    expect(progress.data.projected).toEqual({ low: 238, mid: 246, high: 254 });
    expect(progress.data.average_now).toBe(43);
    for (const words of [
      "Blue dots",
      "Red line: the passing standard, 218",
      "Green band",
      "2027-03-01",
      "238-254",
      "7-day average",
    ]) {
      expect(file?.description).toContain(words);
    }
  });
});

describe("sharing in a group and personal data", () => {
  const group = (userId: string, displayName?: string): Caller => ({
    userId,
    address: "test:group-1",
    chatKind: "group",
    ...(displayName ? { displayName } : {}),
  });

  it("GIVEN /log share in a private chat THEN it is refused with where to send it", async () => {
    const { run } = await person("2026-11-25T12:00:00Z");
    const outcome = await run("/log share:yes");
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain("Sharing is per group");
  });

  it("GIVEN a member who shares by name and one without THEN the group's choice is recorded per person, and /mydata and /forget cover the log and the choice", async () => {
    const { run, ctx, document } = await person("2026-11-25T12:00:00Z");
    await run("/profile set timezone:UTC");
    await run("/log questions:40 correct:30");
    const shared = await run("/log share:yes name:yes", group(testCaller.userId, "Priya"));
    expect(shared.to).toBe("chat");
    expect(shared.text).toContain("as Priya");
    expect(shared.text).toContain("never a score");
    await run("/log share:yes", group("test:other", "Omar"));
    expect(await ctx.services.store.sharing.members("test:group-1")).toEqual([
      { userId: testCaller.userId, share: { since: "2026-11-25T12:00:00.000Z", name: "Priya" } },
      { userId: "test:other", share: { since: "2026-11-25T12:00:00.000Z" } },
    ]);
    const mine = await run("/mydata");
    expect(mine.data.record.sessions).toHaveLength(1);
    expect(mine.data.record.shares).toEqual({
      "test:group-1": { since: "2026-11-25T12:00:00.000Z", name: "Priya" },
    });
    expect((await run("/log share")).text).toContain("weekly summary of 1 group(s), by name in 1");
    await run("/forget confirm:yes");
    expect(JSON.stringify(document.read())).not.toContain("Priya");
    expect(await ctx.services.store.sharing.members("test:group-1")).toEqual([
      { userId: "test:other", share: { since: "2026-11-25T12:00:00.000Z" } },
    ]);
    const stopped = await run("/log share:no", group("test:other"));
    expect(stopped.data).toEqual({ sharing: false, changed: true });
    expect(await ctx.services.store.sharing.members("test:group-1")).toEqual([]);
  });
});
