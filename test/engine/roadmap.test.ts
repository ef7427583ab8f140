import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/core/records.ts";
import {
  buildRoadmap,
  defaultSeason,
  matchProblem,
  seasonFact,
  servableSeasons,
} from "../../src/engine/roadmap/roadmap.ts";
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
    const missed = map.milestones.find((m) => m.id === "step2ck_result");
    expect(missed?.status).toBe("missed");
    // The profile does not say: the line says how to put it right.
    expect(missed?.line).toContain("/profile set step2ck:<score>");
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

describe("the roadmap across a season boundary and far from the US", async () => {
  const knowledge = await testKnowledge();
  const build = (now: string, zone: string, season: number, extra: Partial<Profile> = {}) =>
    buildRoadmap(knowledge, { profile: profile(extra), now: new Date(now), zone, season });
  const milestone = (map: ReturnType<typeof build>, id: string) => {
    const found = map.milestones.find((m) => m.id === id);
    if (!found) throw new Error(`no milestone ${id}`);
    return found;
  };

  it("GIVEN a fixed clock a minute before and after the 2027 rank-list deadline (21:00 New York) THEN the default Match, and that deadline's status, change", () => {
    const before = "2027-03-04T01:59:00Z";
    const after = "2027-03-04T02:01:00Z";
    expect(defaultSeason(knowledge, new Date(before))).toBe(2027);
    expect(defaultSeason(knowledge, new Date(after))).toBe(2028);
    // In Manila that moment is 09:59 and 10:01 on 4 March: the deadline is today, then passed.
    expect(milestone(build(before, "Asia/Manila", 2027), "rol_deadline")).toMatchObject({
      status: "next",
      daysLeft: 0,
    });
    expect(milestone(build("2027-03-05T02:00:00Z", "Asia/Manila", 2027), "rol_deadline").status).toBe("done");
  });

  it("GIVEN the day after the 2027 Match Day THEN 2027 can no longer be planned and 2028 is the first Match served", () => {
    const matchDay = new Date("2027-03-19T15:59:00Z");
    const dayAfter = new Date("2027-03-20T12:00:00Z");
    expect(servableSeasons(knowledge, matchDay).first).toBe(2027);
    expect(servableSeasons(knowledge, dayAfter).first).toBe(2028);
    expect(matchProblem(knowledge, 2027, dayAfter)).toContain("The 2027 Match is over");
    expect(matchProblem(knowledge, 2028, dayAfter)).toBeUndefined();
  });

  it("GIVEN a Match past what the calendar can estimate THEN it is refused with the range it can serve", () => {
    const now = new Date("2026-11-28T10:00:00Z");
    expect(servableSeasons(knowledge, now)).toEqual({ first: 2027, last: 2030 });
    expect(matchProblem(knowledge, 2031, now)).toMatch(/too far ahead.*Choose a Match from 2027 to 2030/);
    expect(matchProblem(knowledge, 2026, now)).toMatch(/over.*choose a Match from 2027 to 2030/);
  });

  it("GIVEN NRMP registration opening at 12:00 New York time THEN it is 21:30 the same day in Kolkata and midnight the next day in Manila", () => {
    const now = "2026-11-28T10:00:00Z";
    expect(milestone(build(now, "Asia/Kolkata", 2028), "nrmp_registration").when).toMatchObject({
      day: "2027-09-15",
      time: "21:30",
    });
    expect(milestone(build(now, "Asia/Manila", 2028), "nrmp_registration").when).toMatchObject({
      day: "2027-09-16",
      time: "00:00",
    });
  });

  it("GIVEN Match Day at 12:00 New York time, just after the US clocks changed THEN Manila sees it on the next day at 00:00", () => {
    const map = build("2026-11-28T10:00:00Z", "Asia/Manila", 2028);
    expect(milestone(map, "match_day").when).toMatchObject({ day: "2028-03-18", time: "00:00" });
    expect(milestone(build("2026-11-28T10:00:00Z", "Asia/Kolkata", 2028), "match_day").when).toMatchObject({
      day: "2028-03-17",
      time: "21:30",
    });
  });

  it("GIVEN a user who needs a visa THEN Step 3 for the H-1B is a window to the rank-list deadline that says to check each program, with its rules' sources, and the J-1 step is there too", () => {
    const map = build("2026-11-28T10:00:00Z", "Asia/Kolkata", 2028, { needs_visa: true });
    const step3 = milestone(map, "step3_for_h1b");
    expect(step3.when).toMatchObject({
      from: { day: "2027-09-01" },
      to: { day: "2028-03-02", time: "07:30" },
    });
    expect(`${step3.title} ${step3.line}`).toContain("check each program");
    const ruleSources = step3.rules.map((rule) => rule.source.title);
    expect(ruleSources.some((title) => title.includes("9 FAM 41.53"))).toBe(true);
    expect(step3.rules.map((rule) => rule.says).join(" ")).toMatch(/no national date/);
    expect(milestone(map, "j1_sponsorship").rules[0]?.source.url).toContain("ecfmg.org/evsp");
    expect(milestone(map, "step2ck_result").rules.map((r) => r.source.title)).toContain(
      "Step Score Strategy for Non-US Citizen IMGs in Medicine-Psychiatry Residency (Stepwise seed guide)",
    );
  });

  it("GIVEN Step 3 booked too late for the window and Step 1 failed with no retake booked THEN both are at risk, and a Step 3 pass makes it done", () => {
    const now = "2027-10-01T10:00:00Z";
    const late = build(now, "UTC", 2028, {
      needs_visa: true,
      step1: "fail",
      exam_dates: { step3: "2028-02-20" },
    });
    expect(milestone(late, "step3_for_h1b")).toMatchObject({ status: "at_risk" });
    expect(milestone(late, "step3_for_h1b").line).toContain("20 February 2028");
    expect(milestone(late, "step1_passed").status).toBe("missed");
    const passed = build(now, "UTC", 2028, { needs_visa: true, step3: "pass" });
    expect(milestone(passed, "step3_for_h1b").status).toBe("done");
  });

  it("GIVEN a season whose dates are all estimated THEN every milestone says so", () => {
    const map = build("2026-11-28T10:00:00Z", "UTC", 2028);
    expect(map.estimated).toBe(true);
    expect(map.milestones.every((m) => m.estimated)).toBe(true);
  });
});
