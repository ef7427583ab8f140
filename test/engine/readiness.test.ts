import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/core/dates.ts";
import type { Exam, PracticeScore } from "../../src/core/records.ts";
import { KnowledgeBase } from "../../src/engine/knowledge/knowledge.ts";
import { assessReadiness, VERDICTS, type Verdict } from "../../src/engine/scores/readiness.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { KNOWLEDGE_DIR, testKnowledge } from "../helpers.ts";

const TODAY = "2026-11-25";

function practice(
  exam: Exam,
  value: number,
  daysAgo: number,
  kind: "scaled" | "chance" = "scaled",
  id = `${daysAgo}`,
): PracticeScore {
  return {
    id,
    exam,
    test: `Form ${id}`,
    kind,
    value,
    date: addDays(TODAY, -daysAgo),
    added_at: "2026-11-25T00:00:00.000Z",
  };
}

const rank = (verdict: Verdict) => VERDICTS.indexOf(verdict);

describe("readiness", async () => {
  const knowledge = await testKnowledge();
  const fact = (id: string, day = TODAY) => Number(knowledge.factAt(id, day)?.value);
  const se = fact("practice_test.standard_error");

  describe("Step 2 CK (guide: Addressing low NBME or practice scores early)", () => {
    const examIn = (days: number) => addDays(TODAY, days);
    const passingOn = (days: number) => fact("passing_standard.step2ck", examIn(days));

    it.each([
      { label: "below the passing standard", above: -1, target: 40, days: 60, verdict: "not_ready" },
      {
        label: "below target with under 6 weeks left",
        above: 20,
        target: 30,
        days: 35,
        verdict: "not_ready",
      },
      { label: "below target with 6+ weeks left", above: 20, target: 30, days: 70, verdict: "borderline" },
      {
        label: "at target but within one SE of passing",
        above: 2,
        target: 2,
        days: 35,
        verdict: "borderline",
      },
      { label: "at target and clear of passing", above: 40, target: 30, days: 35, verdict: "ready" },
    ] as const)(
      "GIVEN a latest score $label THEN the verdict is $verdict",
      ({ above, target, days, verdict }) => {
        const passing = passingOn(days);
        const result = assessReadiness(
          {
            exam: "step2ck",
            examDate: examIn(days),
            today: TODAY,
            scores: [practice("step2ck", passing + above, 3)],
            target: passing + target,
          },
          knowledge,
        );
        expect(result.verdict).toBe(verdict);
        expect(result.projected).toEqual({
          low: passing + above - se,
          mid: passing + above,
          high: passing + above + se,
        });
        expect(result.margins).toEqual({ passing: above, target: above - target });
      },
    );

    it("GIVEN scores below target with under 6 weeks THEN it says to consider a new date", () => {
      const result = assessReadiness(
        {
          exam: "step2ck",
          examDate: addDays(TODAY, 35),
          today: TODAY,
          scores: [practice("step2ck", 236, 5)],
          priorFailure: true,
        },
        knowledge,
      );
      expect(result.verdict).toBe("not_ready");
      expect(result.advice.map((a) => a.text).join(" ")).toMatch(/Consider moving the exam/);
      expect(result.decideBy).toBeUndefined();
    });

    it("GIVEN scores below target with more than 6 weeks THEN it names the day to decide on moving", () => {
      const examDate = addDays(TODAY, 70);
      const result = assessReadiness(
        { exam: "step2ck", examDate, today: TODAY, scores: [practice("step2ck", 236, 5)] },
        knowledge,
      );
      expect(result.decideBy).toBe(addDays(examDate, -42));
    });

    it("GIVEN no target typed THEN the guide's target is used: 10 above the mean after a Step 1 failure, 5 without", () => {
      const mean = fact("step2ck.mean");
      const at = (priorFailure: boolean) =>
        assessReadiness(
          { exam: "step2ck", examDate: addDays(TODAY, 90), today: TODAY, scores: [], priorFailure },
          knowledge,
        ).target;
      expect(at(true)).toMatchObject({ value: mean + 10, source: "guide" });
      expect(at(false)).toMatchObject({ value: mean + 5, source: "guide" });
    });

    it("GIVEN rising scores THEN the trend is reported per week but the projection stays the latest score", () => {
      const result = assessReadiness(
        {
          exam: "step2ck",
          examDate: addDays(TODAY, 60),
          today: TODAY,
          scores: [practice("step2ck", 220, 28), practice("step2ck", 228, 14), practice("step2ck", 236, 0)],
        },
        knowledge,
      );
      expect(result.trend).toEqual({ perWeek: 4, tests: 3, overDays: 28 });
      expect(result.projected?.mid).toBe(236);
      expect(result.reasons.join(" ")).toMatch(/recent pace \(\+4 points a week\)/);
    });

    it("GIVEN a new passing standard from a future date THEN the one in force on the exam date is used", async () => {
      const data = await loadKnowledge(KNOWLEDGE_DIR);
      const current = knowledge.factAt("passing_standard.step2ck", TODAY);
      if (!current) throw new Error("no current Step 2 CK passing standard");
      const future = { ...current, value: Number(current.value) + 7, valid_from: "2027-01-01" };
      const changed = new KnowledgeBase({ ...data, facts: [...data.facts, future] });
      const on = (examDate: string) =>
        assessReadiness({ exam: "step2ck", examDate, today: TODAY, scores: [] }, changed).passing.value;
      expect(on("2026-12-31")).toBe(current.value);
      expect(on("2027-01-01")).toBe(future.value);
    });

    it("GIVEN no practice scores THEN the verdict is not ready, with no projection", () => {
      const result = assessReadiness(
        { exam: "step2ck", examDate: addDays(TODAY, 30), today: TODAY, scores: [] },
        knowledge,
      );
      expect(result.verdict).toBe("not_ready");
      expect(result.projected).toBeUndefined();
    });
  });

  describe("Step 1 (guide: Avoiding a Step 1 failure)", () => {
    const examDate = addDays(TODAY, 30);
    const passing = fact("passing_standard.step1", examDate);
    const judge = (scores: PracticeScore[]) =>
      assessReadiness({ exam: "step1", examDate, today: TODAY, scores }, knowledge);

    it.each([
      { label: "two forms 10-15 above passing", margins: [12, 14], verdict: "ready" },
      { label: "one form 12 above passing (too few forms)", margins: [12], verdict: "borderline" },
      { label: "a recent form only 5 above passing", margins: [12, 5], verdict: "not_ready" },
      { label: "a form below passing", margins: [-3, 14, 13], verdict: "not_ready" },
      { label: "an old risky form, then three comfortable ones", margins: [3, 12, 13, 14], verdict: "ready" },
    ] as const)("GIVEN $label THEN $verdict", ({ margins, verdict }) => {
      const scores = margins.map((m, i) =>
        practice("step1", passing + m, 40 - i * 7, "scaled", String(i + 1)),
      );
      expect(judge(scores).verdict).toBe(verdict);
    });

    it("GIVEN any recent form at risk THEN postpone 4-8 weeks and fix weak systems", () => {
      const result = judge([
        practice("step1", passing + 12, 10, "scaled", "1"),
        practice("step1", passing + 4, 3, "scaled", "2"),
      ]);
      expect(result.postpone).toEqual({ from: addDays(examDate, 28), to: addDays(examDate, 56) });
      const text = result.advice.map((a) => a.text).join(" ");
      expect(text).toMatch(/Postpone the exam 4-8 weeks/);
      expect(text).toMatch(/weak systems/);
    });

    it.each([
      { chance: 97, verdict: "ready" },
      { chance: 85, verdict: "not_ready" },
    ] as const)(
      "GIVEN NBME chances of passing of $chance% on two forms THEN they count as points above passing: $verdict",
      ({ chance, verdict }) => {
        const result = judge([
          practice("step1", chance, 10, "chance", "1"),
          practice("step1", chance, 3, "chance", "2"),
        ]);
        expect(result.verdict).toBe(verdict);
        // 85% is about one standard error above passing: under the guide's 10-point margin.
        expect(result.considered[0]?.margin).toBe(Math.round(se * (chance === 85 ? 1.0364 : 1.8808)));
      },
    );
  });

  describe("properties", () => {
    const scoreArb = (exam: Exam) =>
      fc.record({
        kind:
          exam === "step1"
            ? fc.constantFrom("scaled" as const, "chance" as const)
            : fc.constant("scaled" as const),
        scaled: fc.integer({ min: 1, max: 300 }),
        chance: fc.integer({ min: 1, max: 99 }),
        daysAgo: fc.integer({ min: 0, max: 200 }),
      });
    const caseArb = fc.constantFrom<Exam>("step1", "step2ck", "step3").chain((exam) =>
      fc.record({
        exam: fc.constant(exam),
        scores: fc.array(scoreArb(exam), { minLength: 1, maxLength: 6 }),
        daysLeft: fc.integer({ min: 1, max: 400 }),
        target: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
        priorFailure: fc.boolean(),
        bump: fc.nat(),
        by: fc.integer({ min: 1, max: 100 }),
      }),
    );
    const toScores = (
      exam: Exam,
      raw: Array<{ kind: "scaled" | "chance"; scaled: number; chance: number; daysAgo: number }>,
    ) =>
      raw.map((r, i) =>
        practice(exam, r.kind === "chance" ? r.chance : r.scaled, r.daysAgo, r.kind, String(i + 1)),
      );

    it("GIVEN any one practice score raised THEN the verdict is never worse", () => {
      fc.assert(
        fc.property(caseArb, (c) => {
          const before = toScores(c.exam, c.scores);
          const i = c.bump % before.length;
          const after = before.map((s, j) =>
            j === i ? { ...s, value: Math.min(s.kind === "chance" ? 99 : 300, s.value + c.by) } : s,
          );
          const input = {
            exam: c.exam,
            examDate: addDays(TODAY, c.daysLeft),
            today: TODAY,
            target: c.target,
            priorFailure: c.priorFailure,
          };
          const was = assessReadiness({ ...input, scores: before }, knowledge).verdict;
          const now = assessReadiness({ ...input, scores: after }, knowledge).verdict;
          expect(rank(now)).toBeGreaterThanOrEqual(rank(was));
        }),
        { numRuns: 500 },
      );
    });

    it("GIVEN any valid scores and dates THEN assessing never throws and the band is ordered", () => {
      fc.assert(
        fc.property(caseArb, (c) => {
          const result = assessReadiness(
            {
              exam: c.exam,
              examDate: addDays(TODAY, c.daysLeft),
              today: TODAY,
              scores: toScores(c.exam, c.scores),
              target: c.target,
            },
            knowledge,
          );
          expect(VERDICTS).toContain(result.verdict);
          const p = result.projected;
          if (p) expect(p.low <= p.mid && p.mid <= p.high).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });
});
