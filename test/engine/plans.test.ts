import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, addMonths, daysBetween } from "../../src/core/dates.ts";
import { UserError } from "../../src/core/errors.ts";
import { buildPlan } from "../../src/engine/plans/plans.ts";
import { testKnowledge } from "../helpers.ts";

const TODAY = "2026-11-25";

describe("study plans (guide: Sample 4-6 month Step 2 CK plan)", async () => {
  const knowledge = await testKnowledge();
  const range = (id: string) => knowledge.factAt(id, TODAY)?.value;
  const plan = (days: number, qbankLeft?: number) =>
    buildPlan({ exam: "step2ck", examDate: addDays(TODAY, days), today: TODAY, qbankLeft }, knowledge);

  it.each([
    {
      label: "8 months",
      days: 243,
      phases: ["Foundation", "Build", "Sharpen", "Taper"],
      taper: 14,
      enough: true,
    },
    {
      label: "5 months",
      days: 151,
      phases: ["Foundation", "Build", "Sharpen", "Taper"],
      taper: 14,
      enough: true,
    },
    { label: "4 months", days: 122, phases: ["Foundation", "Build", "Taper"], taper: 14, enough: true },
    { label: "5 weeks", days: 35, phases: ["Foundation", "Build", "Taper"], taper: 7, enough: false },
    { label: "5 days", days: 5, phases: ["Taper"], taper: 5, enough: false },
  ])(
    "GIVEN $label left THEN phases $phases with a $taper-day taper (enough time: $enough)",
    ({ days, phases, taper, enough }) => {
      const result = plan(days);
      expect(result.phases.map((p) => p.name)).toEqual(phases);
      expect(result.phases.at(-1)?.days).toBe(taper);
      expect(result.enoughTime).toBe(enough);
      // Phases tile the time from the plan's start to the day before the exam, with no gap or overlap.
      expect(result.phases[0]?.from).toBe(result.startsOn);
      expect(result.phases.at(-1)?.to).toBe(addDays(result.examDate, -1));
      for (const [a, b] of result.phases.slice(0, -1).map((p, i) => [p, result.phases[i + 1]] as const)) {
        expect(addDays(a.to, 1)).toBe(b?.from);
      }
    },
  );

  it("GIVEN more than 6 months THEN the plan starts 6 months out and suggests a second question bank (guide: Resources and schedule)", () => {
    const result = plan(243);
    expect(result.startsOn).toBe(addMonths(result.examDate, -6));
    expect(result.advice.map((a) => a.text).join(" ")).toMatch(/second question bank/);
  });

  it("GIVEN a full plan THEN months 1-2 run at 40-60 a day, months 3-4 at 60-80, with NBMEs monthly then full-lengths every 2-3 weeks", () => {
    const [foundation, build, sharpen] = plan(200).phases;
    expect(foundation?.questions_per_day).toEqual(range("guide.plan.foundation.questions_per_day"));
    expect(foundation?.questions_per_day).toEqual({ min: 40, max: 60 });
    expect(build?.questions_per_day).toEqual({ min: 60, max: 80 });
    expect(foundation?.mode).toMatch(/untimed at first.*timed random blocks after the first 30-40%/);
    expect(build?.practice_tests).toBe("an NBME every month");
    expect(sharpen?.practice_tests).toMatch(/full-length .* every 2-3 weeks/);
    expect(daysBetween(foundation?.from ?? "", build?.from ?? "")).toBeGreaterThanOrEqual(59);
  });

  it("GIVEN questions left THEN passes = the plan's questions / questions left, and one pass that does not fit is not enough time", () => {
    const fits = plan(35, 900);
    expect(fits.passes).toEqual({
      min: Math.round((fits.questions.min / 900) * 10) / 10,
      max: Math.round((fits.questions.max / 900) * 10) / 10,
    });
    expect(fits.enoughTime).toBe(true);
    const tooMany = plan(35, fits.questions.max + 1);
    expect(tooMany.enoughTime).toBe(false);
    expect(tooMany.timeVerdict).toMatch(/^Not enough time for a safe plan/);
  });

  it("GIVEN a squeezed plan THEN its last study phase also carries the full-length practice exams", () => {
    expect(plan(35).phases[1]?.practice_tests).toMatch(/full-length/);
  });

  it.each([
    { situation: "rotations", expected: /End each day with 1-2 timed question blocks/ },
    { situation: "observership", expected: /attendings/ },
    { situation: "away", expected: /question stems and explanations/ },
  ] as const)(
    "GIVEN situation $situation THEN the day-to-day advice fits it (guide: Aligning prep with clinical experience)",
    ({ situation, expected }) => {
      const result = buildPlan(
        { exam: "step2ck", examDate: addDays(TODAY, 100), today: TODAY, situation },
        knowledge,
      );
      const text = result.advice
        .filter((a) => a.section === "Aligning prep with clinical experience")
        .map((a) => a.text);
      expect(text.join(" ")).toMatch(expected);
    },
  );

  it("GIVEN Step 1 THEN the plan says it borrows the Step 2 CK pacing and counts NBME forms", () => {
    const result = buildPlan({ exam: "step1", examDate: addDays(TODAY, 200), today: TODAY }, knowledge);
    expect(result.advice.map((a) => a.text).join(" ")).toMatch(/written for Step 2 CK/);
    expect(result.phases[2]?.practice_tests).toMatch(/2-3 different NBME forms/);
  });

  it.each([0, -3])("GIVEN an exam %i days away THEN there is no time for a plan: a user error", (days) => {
    expect(() => plan(days)).toThrow(UserError);
  });

  it("GIVEN any future exam date and question count THEN planning never throws and phases never overlap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 900 }),
        fc.option(fc.integer({ min: 1, max: 20000 }), { nil: undefined }),
        (days, qbank) => {
          const result = plan(days, qbank);
          expect(result.phases.reduce((sum, p) => sum + p.days, 0)).toBe(
            daysBetween(result.startsOn, result.examDate),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
