import { describe, expect, it } from "vitest";
import { addDays } from "../../src/core/dates.ts";
import type { Subscription } from "../../src/core/records.ts";
import {
  MILESTONE_HORIZON_DAYS,
  milestoneMention,
  milestonesShown,
} from "../../src/engine/nudges/milestones.ts";
import { composeNudge, dueAt, nextSlot, settleSlot } from "../../src/engine/nudges/nudges.ts";
import { testKnowledge } from "../helpers.ts";

const knowledge = await testKnowledge();

/** A group's nudge at `time` in `zone`, following the 2028 Match, due on `day`. */
function following(day: string, time: string, zone: string, extra: Partial<Subscription> = {}): Subscription {
  return {
    chat_kind: "group",
    time,
    timezone: zone,
    exam: "step2ck",
    started_day: day,
    ...nextSlot(day, time, zone, new Date(dueAt(day, time, zone).getTime() - 1)),
    shown_tips: [],
    match: 2028,
    ...extra,
  };
}

/** Walks day by day, as the claim queue would, and returns the days whose nudge had a season line. */
function daysWithLine(first: string, last: string, time: string, zone: string): Array<[string, string]> {
  let sub = following(first, time, zone);
  const seen: Array<[string, string]> = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    sub = { ...sub, next_day: day, next_at: dueAt(day, time, zone).toISOString() };
    const mention = milestoneMention(knowledge, sub, day, new Date(sub.next_at));
    if (mention) seen.push([day, mention.milestones.map((m) => m.id).join("+")]);
    sub = { ...sub, milestones_shown: milestonesShown(sub, mention, day) };
  }
  return seen;
}

describe("the season line in daily nudges", () => {
  it("GIVEN a nudge at 07:00 in Kolkata before the 2028 rank-list deadline THEN the line comes once a week from 30 days out, and the day before and the day of it", () => {
    // The deadline is 21:00 New York time on 1 March, 07:30 on 2 March in Kolkata.
    expect(daysWithLine("2028-02-03", "2028-03-02", "07:00", "Asia/Kolkata")).toEqual([
      ["2028-02-03", "ecfmg_exams_verified+rol_deadline"],
      ["2028-02-10", "ecfmg_exams_verified+rol_deadline"],
      ["2028-02-17", "ecfmg_exams_verified+rol_deadline"],
      ["2028-02-24", "ecfmg_exams_verified+rol_deadline"],
      ["2028-03-01", "ecfmg_exams_verified+rol_deadline"],
      ["2028-03-02", "ecfmg_exams_verified+rol_deadline"],
    ]);
  });

  it("GIVEN a nudge at 08:00 in Kolkata on the deadline's local day THEN the deadline (07:30) has passed and the line moves to the next milestone", () => {
    const sub = following("2028-03-02", "08:00", "Asia/Kolkata");
    const mention = milestoneMention(knowledge, sub, "2028-03-02", new Date(sub.next_at));
    expect(mention?.milestones.map((m) => m.id)).toEqual(["match_week"]);
    expect(mention?.line).toContain("Mon 13 March 2028, 19:30 Asia/Kolkata");
    expect(mention?.line).toContain("in 11 days (estimated date)");
  });

  it("GIVEN the deadline at 10:00 on 2 March in Manila and a 09:00 nudge THEN that morning's nudge says it is today", () => {
    const sub = following("2028-03-02", "09:00", "Asia/Manila", {
      milestones_shown: { rol_deadline: "2028-03-01", ecfmg_exams_verified: "2028-03-01" },
    });
    const mention = milestoneMention(knowledge, sub, "2028-03-02", new Date(sub.next_at));
    expect(mention?.line).toContain("Thu 2 March 2028, 10:00");
    expect(mention?.line).toContain("today");
  });

  it(`GIVEN the next milestone more than ${MILESTONE_HORIZON_DAYS} days away, or no Match followed THEN there is no line`, () => {
    const far = following("2027-12-15", "08:00", "Asia/Kolkata");
    expect(milestoneMention(knowledge, far, "2027-12-15", new Date(far.next_at))).toBeUndefined();
    const { match: _match, ...plain } = following("2028-02-20", "08:00", "Asia/Kolkata");
    expect(milestoneMention(knowledge, plain, "2028-02-20", new Date(plain.next_at))).toBeUndefined();
  });

  it("GIVEN a season that is over THEN there is nothing left to mention", () => {
    const after = following("2028-03-20", "08:00", "UTC");
    expect(milestoneMention(knowledge, after, "2028-03-20", new Date(after.next_at))).toBeUndefined();
  });

  it("GIVEN a due nudge with a line THEN the claim records the milestones mentioned and the nudge shows the same line, estimates said", () => {
    const sub = following("2028-02-03", "07:00", "Asia/Kolkata");
    const settled = settleSlot(knowledge, "chat:-9", sub, new Date(sub.next_at));
    expect(settled.next.milestones_shown).toEqual({
      ecfmg_exams_verified: "2028-02-03",
      rol_deadline: "2028-02-03",
    });
    const slot = settled.send?.slot ?? sub;
    const nudge = composeNudge(knowledge, "chat:-9", slot, "2028-02-03").reply;
    const lines = nudge.blocks.flatMap((b) => (b.kind === "bullets" ? b.items : []));
    expect(lines.join("\n")).toContain(
      "2028 Match: ECFMG must confirm your exams for ranking; Rank order list deadline, Thu 2 March 2028, 07:30 Asia/Kolkata (officially 21:00 Eastern Time on 1 March 2028), in 28 days (estimated date).",
    );
    expect(nudge.data.milestone).toEqual({
      season: 2028,
      ids: ["ecfmg_exams_verified", "rol_deadline"],
      days_left: 28,
      estimated: true,
    });
    // The next day's claim sees the memory: no line then.
    const tomorrow = settleSlot(knowledge, "chat:-9", settled.next, new Date(settled.next.next_at));
    const again = composeNudge(knowledge, "chat:-9", tomorrow.send?.slot ?? settled.next, "2028-02-04").reply;
    expect(again.data.milestone).toBeUndefined();
  });
});
