import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/core/records.ts";
import { calendarFileName, eventUid, roadmapCalendar } from "../../src/engine/roadmap/calendar.ts";
import { buildRoadmap } from "../../src/engine/roadmap/roadmap.ts";
import { testKnowledge } from "../helpers.ts";

const knowledge = await testKnowledge();
const profile: Profile = { step1: "pass", needs_visa: true, timezone: "Asia/Kolkata", exam_dates: {} };

async function exported(now: string, zone = "Asia/Kolkata", season = 2028) {
  const map = buildRoadmap(knowledge, { profile, now: new Date(now), zone, season });
  const file = await roadmapCalendar(map, new Date(now));
  const text = new TextDecoder().decode(file.data);
  // Read back with ical.js, a parser independent of the library that wrote it.
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent));
  return { map, file, text, events, byUid: new Map(events.map((event) => [event.uid, event])) };
}

describe("the roadmap as a calendar file", () => {
  it("GIVEN an export THEN it parses back as one event per milestone, named for its season", async () => {
    const { map, file, events } = await exported("2026-11-28T10:00:00Z");
    expect(file).toMatchObject({ name: calendarFileName(2028), mime: "text/calendar" });
    expect(events).toHaveLength(map.milestones.length);
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
  });

  it("GIVEN a deadline with a clock time THEN its event is that instant in UTC, shown at 07:30 in Kolkata and 10:00 in Manila", async () => {
    const { byUid } = await exported("2026-11-28T10:00:00Z");
    const rol = byUid.get(eventUid(2028, "rol_deadline"));
    expect(rol?.startDate.isDate).toBe(false);
    expect(rol?.startDate.zone?.tzid).toBe("UTC");
    // 21:00 Eastern Time on 1 March 2028 is 02:00 UTC on 2 March.
    expect(rol?.startDate.toJSDate().toISOString()).toBe("2028-03-02T02:00:00.000Z");
    expect(rol?.summary).toBe("Rank order list deadline (estimated date)");
    expect(rol?.description).toContain("When (Asia/Kolkata): Thu 2 March 2028, 07:30");
    expect(rol?.description).toContain("officially 21:00 Eastern Time on 1 March 2028");
    const manila = await exported("2026-11-28T10:00:00Z", "Asia/Manila");
    expect(manila.byUid.get(eventUid(2028, "rol_deadline"))?.description).toContain(
      "Thu 2 March 2028, 10:00",
    );
  });

  it("GIVEN days without a clock time and windows THEN they stay all-day, ending the day after their last day", async () => {
    const { byUid } = await exported("2026-11-28T10:00:00Z");
    const pathway = byUid.get(eventUid(2028, "ecfmg_pathway"));
    expect(pathway?.startDate.isDate).toBe(true);
    expect(pathway?.startDate.toString()).toBe("2028-01-31");
    expect(pathway?.endDate.toString()).toBe("2028-02-01");
    const interviews = byUid.get(eventUid(2028, "interview_season"));
    expect(interviews?.startDate.isDate).toBe(true);
    expect([interviews?.startDate.toString(), interviews?.endDate.toString()]).toEqual([
      "2027-09-22",
      "2028-02-01",
    ]);
    // The Step 3 window runs over local days: 1 September to 2 March in Kolkata.
    const step3 = byUid.get(eventUid(2028, "step3_for_h1b"));
    expect([step3?.startDate.toString(), step3?.endDate.toString()]).toEqual(["2027-09-01", "2028-03-03"]);
    expect(step3?.description).toContain("check each program");
  });

  it("GIVEN a later export THEN the UIDs are the same and SEQUENCE is higher, so importing it updates the events", async () => {
    const first = await exported("2026-11-28T10:00:00Z");
    const later = await exported("2027-10-01T10:00:00Z");
    expect([...later.byUid.keys()].sort()).toEqual([...first.byUid.keys()].sort());
    const uid = eventUid(2028, "eras_submit");
    expect(later.byUid.get(uid)?.sequence).toBeGreaterThan(first.byUid.get(uid)?.sequence ?? 0);
    // Past days are done by then, and the description says so.
    expect(later.byUid.get(uid)?.description).toMatch(/^Done:/);
    const otherSeason = await exported("2026-11-28T10:00:00Z", "Asia/Kolkata", 2029);
    expect(otherSeason.byUid.has(uid)).toBe(false);
  });

  it("GIVEN the file THEN it is valid iCalendar text: CRLF lines, folded at 75 octets, a PRODID and VERSION 2.0", async () => {
    const { text } = await exported("2026-11-28T10:00:00Z");
    expect(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")).toBe(true);
    for (const line of text.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text.trimEnd().endsWith("END:VCALENDAR")).toBe(true);
  });
});
