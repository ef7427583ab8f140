import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { MILESTONE_STATUSES } from "../../src/engine/roadmap/roadmap.ts";
import { fixedClock, memoryContext, runLine } from "../helpers.ts";

/** A person in a private chat, on 28 November 2026 (the 2027 Match is the next one open). */
async function person(now = "2026-11-28T10:00:00Z") {
  const { ctx, document } = await memoryContext({ clock: fixedClock(now) });
  return { ctx, document, run: (line: string) => runLine(line, ctx) };
}

interface MilestoneData {
  id: string;
  date: string | { from: string; to: string };
  time?: string;
  status: string;
  estimated: boolean;
  source: { title: string; url?: string };
}

const firstDayOf = (m: MilestoneData) => (typeof m.date === "string" ? m.date : m.date.from);

describe("/roadmap", () => {
  it("GIVEN the issue's profile (Step 1 passed, visa, Asia/Kolkata, Match 2028) THEN /roadmap gives the 2028 milestones in date order with statuses and sources, including ERAS submission, the rank-list deadline, Match Day and Step 3 for the H-1B", async () => {
    const { run } = await person();
    const saved = await run("/profile set step1:pass visa:yes timezone:Asia/Kolkata match:2028");
    expect(saved.ok).toBe(true);
    const { reply, to } = await run("/roadmap");
    expect(to).toBe("sender");
    expect(reply.data).toMatchObject({ season: 2028, zone: "Asia/Kolkata", estimated: true });
    const milestones = reply.data.milestones as MilestoneData[];
    const days = milestones.map(firstDayOf);
    expect(days).toEqual([...days].sort());
    for (const m of milestones) {
      expect(MILESTONE_STATUSES).toContain(m.status);
      expect(m.source.title.length).toBeGreaterThan(3);
      expect(m.estimated).toBe(true);
    }
    const ids = milestones.map((m) => m.id);
    for (const id of ["eras_submit", "rol_deadline", "match_day", "step3_for_h1b"]) expect(ids).toContain(id);
    expect(milestones.find((m) => m.id === "rol_deadline")).toMatchObject({
      date: "2028-03-02",
      time: "07:30",
    });
    expect(milestones.find((m) => m.id === "step3_for_h1b")?.date).toEqual({
      from: "2027-09-01",
      to: "2028-03-02",
    });
    expect(milestones.find((m) => m.id === "step1_passed")?.status).toBe("done");
    // Every reply that uses an estimated date says so.
    expect(reply.footer?.note).toMatch(/17 of these dates for the 2028 Match are estimates/);
  });

  it("GIVEN a step done ahead of its deadline THEN it reads as done by that date, not as a countdown", async () => {
    const { run } = await person();
    await run("/profile set step1:pass visa:yes timezone:Asia/Kolkata match:2028");
    const { reply } = await run("/roadmap");
    const field = reply.blocks
      .flatMap((block) => (block.kind === "fields" ? block.fields : []))
      .find((f) => f.name === "Done: Step 1 passed");
    expect(field?.value).toMatch(/^Needed by Wed 1 September 2027.*; already done\n/);
    expect(field?.value).not.toMatch(/in \d+ days/);
  });

  it("GIVEN no Match saved THEN the next one still open; an option or the profile's Match overrides it", async () => {
    const { run } = await person();
    expect((await run("/roadmap")).reply.data.season).toBe(2027);
    expect((await run("/roadmap match:2029")).reply.data.season).toBe(2029);
    await run("/profile set match:2028");
    expect((await run("/roadmap")).reply.data.season).toBe(2028);
    expect((await run("/roadmap show match:2027")).reply.data.season).toBe(2027);
  });

  it("GIVEN no time zone saved THEN the roadmap is in UTC and says how to set one", async () => {
    const { run } = await person();
    const { reply } = await run("/roadmap match:2028");
    expect(reply.data.zone).toBe("UTC");
    expect(JSON.stringify(reply.blocks)).toContain("/profile set timezone:Area/City");
  });

  it("GIVEN a Match that is over or too far ahead THEN a clear refusal, and /profile set saves nothing", async () => {
    const { run, document } = await person();
    const over = await run("/roadmap match:2026");
    expect(over.ok).toBe(false);
    expect(String(over.reply.data.error)).toContain("The 2026 Match is over");
    expect(String(over.reply.data.error)).toContain("from 2027 to 2030");
    const far = await run("/profile set match:2031 timezone:Asia/Manila");
    expect(far.ok).toBe(false);
    expect(String(far.reply.data.error)).toMatch(/`match` 2031: The 2031 Match is too far ahead/);
    expect(document.read().users).toEqual({});
    const odd = await run("/profile set match:twenty");
    expect(odd.ok).toBe(false);
  });

  it("GIVEN a saved Match that has since ended THEN /roadmap says so and how to save another", async () => {
    const { run, ctx } = await person();
    await run("/profile set match:2027");
    const later = { ...ctx, services: { ...ctx.services, clock: fixedClock("2027-04-01T00:00:00Z") } };
    const answer = await runLine("/roadmap", later);
    expect(String(answer.reply.data.error)).toMatch(/2027 Match is over.*\/profile set match:<year>/);
  });

  it("GIVEN /roadmap in a group without private replies THEN it is refused with a pointer, showing nothing personal", async () => {
    const { ctx } = await person();
    const group = { ...ctx, caller: { ...ctx.caller, chatKind: "group" as const, address: "test:-5" } };
    const answer = await runLine("/roadmap", group);
    expect(answer).toMatchObject({ ok: false, refusal: "private_only" });
    expect(answer.reply.data.milestones).toBeUndefined();
  });

  it("GIVEN a saved Match THEN /profile and /mydata show it and /forget erases it", async () => {
    const { run, document } = await person();
    await run("/profile set match:2028");
    expect(JSON.stringify((await run("/profile")).reply.blocks)).toContain("2028 (March 2028)");
    const mine = await run("/mydata");
    expect(JSON.stringify(mine.reply.data)).toContain('"match":2028');
    await run("/forget confirm:yes");
    expect(document.read().users).toEqual({});
    expect((await run("/roadmap")).reply.data.season).toBe(2027);
  });
});

describe("/roadmap export", () => {
  it("GIVEN the roadmap THEN a calendar file comes with the reply and parses back with every milestone", async () => {
    const { run } = await person();
    await run("/profile set step1:pass visa:yes timezone:Asia/Manila match:2028");
    const { reply, to } = await run("/roadmap export");
    expect(to).toBe("sender");
    const [file] = reply.files ?? [];
    expect(file).toMatchObject({ name: "stepwise-match-2028.ics", mime: "text/calendar" });
    const calendar = new ICAL.Component(ICAL.parse(new TextDecoder().decode(file?.data)));
    const events = calendar.getAllSubcomponents("vevent");
    expect(events).toHaveLength(Number(reply.data.events));
    expect(reply.footer?.note).toMatch(/estimates/);
  });
});

describe("/nudge start match:<year>", () => {
  it("GIVEN a Match to follow THEN it is saved with the nudge, status shows it, and one that is over is refused", async () => {
    const { run, document } = await person();
    const refused = await run("/nudge start time:07:30 timezone:Asia/Kolkata match:2025");
    expect(String(refused.reply.data.error)).toContain("The 2025 Match is over");
    expect(document.read().subscriptions).toEqual({});
    const started = await run("/nudge start time:07:30 timezone:Asia/Kolkata match:2028");
    expect(started.reply.data.match).toBe(2028);
    expect(JSON.stringify(started.reply.blocks)).toContain("follows the 2028 Match");
    expect(Object.values(document.read().subscriptions)[0]).toMatchObject({ match: 2028 });
    expect(JSON.stringify((await run("/nudge status")).reply.blocks)).toContain(
      "2028: a line about its next milestone",
    );
  });

  it("GIVEN a nudge that has mentioned milestones THEN restarting it for the same Match keeps that memory and another Match starts afresh", async () => {
    const { run, document } = await person();
    await run("/nudge start time:07:30 timezone:Asia/Kolkata match:2028");
    const [key] = Object.keys(document.read().subscriptions);
    await document.update((data) => {
      const sub = data.subscriptions[key ?? ""];
      if (sub) sub.milestones_shown = { rol_deadline: "2028-02-20" };
    });
    await run("/nudge start time:08:00 timezone:Asia/Kolkata match:2028");
    expect(document.read().subscriptions[key ?? ""]?.milestones_shown).toEqual({
      rol_deadline: "2028-02-20",
    });
    await run("/nudge start time:08:00 timezone:Asia/Kolkata match:2029");
    expect(document.read().subscriptions[key ?? ""]?.milestones_shown).toBeUndefined();
  });
});
