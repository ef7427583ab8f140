import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/core/records.ts";
import { buildRoadmap, defaultSeason, seasonFact } from "../../src/engine/roadmap/roadmap.ts";
import { testKnowledge } from "../helpers.ts";

const profile = (extra: Partial<Profile> = {}): Profile => ({ exam_dates: {}, ...extra });
const dayOf = (when: unknown) =>
  (when as { day?: string; from?: { day: string } }).day ?? (when as { from: { day: string } }).from.day;

describe("the personal roadmap of a Match season", async () => {
  const knowledge = await testKnowledge();
  const now = new Date("2026-11-28T10:00:00Z");

  it("GIVEN a visa-needing user in Asia/Kolkata for the 2028 Match THEN milestones come in date order, with sources, ERAS, the rank-list deadline, Match Day and Step 3 for the H-1B", () => {
    const map = buildRoadmap(knowledge, {
      profile: profile({ step1: "pass", needs_visa: true, timezone: "Asia/Kolkata" }),
      now,
      zone: "Asia/Kolkata",
      season: 2028,
    });
    const ids = map.milestones.map((m) => m.id);
    for (const id of ["eras_submit", "rol_deadline", "match_day", "step3_for_h1b", "step2ck_result"])
      expect(ids).toContain(id);
    const days = map.milestones.map((m) => dayOf(m.when));
    expect(days).toEqual([...days].sort());
    for (const m of map.milestones) expect(m.source.title.length).toBeGreaterThan(3);
    expect(map.milestones.find((m) => m.id === "step1_passed")?.status).toBe("done");
    expect(map.milestones.filter((m) => m.status === "next")).toHaveLength(1);
  });

  it("GIVEN a deadline at 21:00 New York time THEN a user in Asia/Kolkata sees it on the next day at 07:30", () => {
    const fact = seasonFact(knowledge, "season.rol_deadline", 2027);
    expect(fact).toMatchObject({ time: "21:00", zone: "America/New_York" });
    const map = buildRoadmap(knowledge, { profile: profile(), now, zone: "Asia/Kolkata", season: 2027 });
    const rol = map.milestones.find((m) => m.id === "rol_deadline");
    expect(rol?.when).toMatchObject({
      day: "2027-03-04",
      time: "07:30",
      official: "21:00 Eastern Time on 3 March 2027",
    });
    const manila = buildRoadmap(knowledge, { profile: profile(), now, zone: "Asia/Manila", season: 2027 });
    expect(manila.milestones.find((m) => m.id === "rol_deadline")?.when).toMatchObject({
      day: "2027-03-04",
      time: "10:00",
    });
  });

  it("GIVEN no visa need THEN there is no Step 3 milestone", () => {
    const map = buildRoadmap(knowledge, {
      profile: profile({ needs_visa: false }),
      now,
      zone: "UTC",
      season: 2028,
    });
    expect(map.milestones.some((m) => m.id === "step3_for_h1b")).toBe(false);
  });

  it("GIVEN Step 2 CK booked too late for the score to reach programs THEN that milestone is at risk and says why", () => {
    const map = buildRoadmap(knowledge, {
      profile: profile({ step1: "pass", exam_dates: { step2ck: "2027-09-10" } }),
      now,
      zone: "UTC",
      season: 2028,
    });
    const ck = map.milestones.find((m) => m.id === "step2ck_result");
    expect(ck?.status).toBe("at_risk");
    expect(ck?.line).toContain("10 September 2027");
  });

  it("GIVEN Step 2 CK booked early enough THEN it is upcoming, and a saved score makes it done", () => {
    const booked = buildRoadmap(knowledge, {
      profile: profile({ exam_dates: { step2ck: "2027-05-10" } }),
      now,
      zone: "UTC",
      season: 2028,
    });
    expect(booked.milestones.find((m) => m.id === "step2ck_result")?.status).toMatch(/next|upcoming/);
    const done = buildRoadmap(knowledge, {
      profile: profile({ step2ck_score: 250 }),
      now,
      zone: "UTC",
      season: 2028,
    });
    expect(done.milestones.find((m) => m.id === "step2ck_result")?.status).toBe("done");
  });

  it("GIVEN a season already under way THEN its past calendar days are done and a missed exam is missed", () => {
    const map = buildRoadmap(knowledge, {
      profile: profile({ needs_visa: true }),
      now,
      zone: "UTC",
      season: 2027,
    });
    expect(map.milestones.find((m) => m.id === "eras_submit")?.status).toBe("done");
    expect(map.milestones.find((m) => m.id === "step2ck_result")?.status).toBe("missed");
  });

  it("GIVEN the day before and after a season's rank-list deadline THEN the default Match moves to the next season", () => {
    expect(defaultSeason(knowledge, new Date("2027-03-03T12:00:00Z"))).toBe(2027);
    expect(defaultSeason(knowledge, new Date("2027-03-04T03:00:00Z"))).toBe(2028);
  });

  it("GIVEN a Match with no published or estimated dates THEN they are projected from the last season, same weekday, marked estimated", () => {
    const last = seasonFact(knowledge, "season.match_day", 2028);
    const later = seasonFact(knowledge, "season.match_day", 2031);
    expect(later?.estimated).toBe(true);
    const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
    expect(weekday(String(later?.value))).toBe(weekday(String(last?.value)));
    expect(String(later?.value).slice(0, 4)).toBe("2031");
  });
});
