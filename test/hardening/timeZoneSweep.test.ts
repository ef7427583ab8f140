/**
 * Finding 7 of issue #16: the nudge engine's own decisions (nextSlot, decide, afterSlot) swept over
 * every IANA zone and every day of a year, checked against the time-zone database as Intl reads it.
 */
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/core/dates.ts";
import type { Subscription } from "../../src/core/records.ts";
import { afterSlot, decide, nextSlot } from "../../src/engine/nudges/nudges.ts";

const ZONES = Intl.supportedValuesOf("timeZone");
const FIRST = "2026-01-01";
const LAST = "2026-12-31";
/** Followed through every day of the year: a time in spring-forward gaps at midnight and at 02:00. */
const YEAR_TIMES = ["23:30", "02:30"];
/** Followed through the days around each of a zone's clock changes: every quarter hour. */
const QUARTER_HOURS = Array.from(
  { length: 96 },
  (_, i) => `${String(Math.floor(i / 4)).padStart(2, "0")}:${String((i % 4) * 15).padStart(2, "0")}`,
);

const formats = new Map<string, Intl.DateTimeFormat>();
/** The local day and time of an instant, read straight from Intl (the oracle, not the engine). */
function local(at: number, zone: string): { day: string; time: string } {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formats.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` };
}

const wall = (day: string, time: string): number => Date.parse(`${day}T${time}:00Z`);

/** Minutes the zone's clock is ahead of UTC at an instant. */
function offset(at: number, zone: string): number {
  const { day, time } = local(at, zone);
  return Math.round((wall(day, time) - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/** Whether `time` is shown on a clock in `zone` at some instant of local `day`. */
function exists(day: string, time: string, zone: string): boolean {
  const naive = wall(day, time);
  return [-36, 0, 36].some((hours) => {
    const candidate = naive - offset(naive + hours * 3_600_000, zone) * 60_000;
    const shown = local(candidate, zone);
    return shown.day === day && shown.time === time;
  });
}

/** Days whose local noon has a different UTC offset from the next day's: a clock change between them. */
function changeDays(zone: string): string[] {
  const days: string[] = [];
  let noon = offset(wall(addDays(FIRST, -1), "12:00"), zone);
  for (let day = addDays(FIRST, -1); day <= LAST; day = addDays(day, 1)) {
    const next = offset(wall(addDays(day, 1), "12:00"), zone);
    if (next !== noon) days.push(day);
    noon = next;
  }
  return days;
}

/** Problems found following one subscription from `from` to `to` as the scheduler would. */
function follow(zone: string, time: string, from: string, to: string): { sends: number; problems: string[] } {
  const problems: string[] = [];
  let sub: Subscription = {
    chat_kind: "group",
    time,
    timezone: zone,
    exam: "step2ck",
    started_day: from,
    shown_tips: [],
    ...nextSlot(from, time, zone, new Date(wall(addDays(from, -2), "00:00"))),
  };
  let sends = 0;
  for (let expected = from; expected <= to; expected = addDays(expected, 1)) {
    const at = new Date(sub.next_at);
    const decision = decide(sub, at);
    const shown = local(at.getTime(), zone);
    const where = `${zone} ${time} on ${expected}`;
    if (decision.action !== "send" || decision.day !== expected) {
      problems.push(`${where}: ${decision.action} ${sub.next_day} at ${sub.next_at}`);
    } else if (shown.day !== expected) {
      problems.push(`${where}: sent on local ${shown.day} ${shown.time}`);
    } else if (shown.time !== time) {
      if (exists(expected, time, zone))
        problems.push(`${where}: sent at ${shown.time} though ${time} exists`);
      const apart = Math.abs(wall(expected, shown.time) - wall(expected, time));
      if (apart > 2 * 3_600_000) problems.push(`${where}: sent at ${shown.time}, hours from ${time}`);
    }
    sends++;
    sub = afterSlot(sub, sub.next_day, decision.action === "send", at);
  }
  return { sends, problems };
}

describe("finding 7 (a nudge lost to a midnight gap)", () => {
  it("GIVEN spring-forward jumps over midnight (America/Nuuk, 2026-03-28, 23:00 -> 00:00) THEN 23:00, 23:30 and 23:59 still send that day, at its last minute before the gap", () => {
    for (const time of ["23:00", "23:30", "23:59"]) {
      const slot = nextSlot("2026-03-28", time, "America/Nuuk", new Date("2026-03-27T12:00:00Z"));
      expect(slot).toEqual({ next_day: "2026-03-28", next_at: "2026-03-29T00:59:00.000Z" });
      expect(local(Date.parse(slot.next_at), "America/Nuuk")).toEqual({ day: "2026-03-28", time: "22:59" });
    }
  });

  it(`GIVEN every IANA zone (${ZONES.length}) and every day of 2026 THEN each day's nudge is sent once, on its own local day, at the set time whenever that time exists`, () => {
    let sends = 0;
    let windows = 0;
    const problems: string[] = [];
    for (const zone of ZONES) {
      for (const time of YEAR_TIMES) {
        const result = follow(zone, time, FIRST, LAST);
        sends += result.sends;
        problems.push(...result.problems);
      }
      for (const day of changeDays(zone)) {
        windows++;
        for (const time of QUARTER_HOURS) {
          const result = follow(zone, time, addDays(day, -1), addDays(day, 2));
          sends += result.sends;
          problems.push(...result.problems);
        }
      }
    }
    console.log(
      `finding 7 sweep: ${ZONES.length} zones, ${windows} clock changes, ${sends} sends checked, ${problems.length} wrong`,
    );
    expect(problems.slice(0, 20)).toEqual([]);
    expect(windows).toBeGreaterThan(100);
  }, 120_000);
});
