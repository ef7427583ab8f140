import { daysBetween } from "../../core/dates.ts";
import type { Exam, PracticeScore } from "../../core/records.ts";
import { type Figure, numberFact } from "../knowledge/figures.ts";
import { guideRules } from "../knowledge/guide.ts";
import type { Fact, KnowledgeBase } from "../knowledge/knowledge.ts";
import type { Advice } from "./advice.ts";
import { chronological, equivalentScore } from "./practice.ts";
import { type Step2ckTarget, step2ckTarget } from "./targets.ts";
import { judgeScaled, judgeStep1 } from "./verdicts.ts";

/** Worst to best: a higher practice score may move a verdict right along this list, never left. */
export const VERDICTS = ["not_ready", "borderline", "ready"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface ReadinessInput {
  exam: Exam;
  examDate: string;
  today: string;
  /** The user's practice scores (any exam; only this exam's are used). */
  scores: readonly PracticeScore[];
  /** A target the user gave; otherwise Step 2 CK uses the guide's, Step 1 and Step 3 have none. */
  target?: number | undefined;
  /** For the guide's Step 2 CK target: a prior Step 1 failure raises it. */
  priorFailure?: boolean | undefined;
}

export interface JudgedForm {
  score: PracticeScore;
  /** The result on the exam's 3-digit scale (a chance of passing converted, see `equivalentScore`). */
  equivalent: number;
  /** Points above the passing standard in force on the exam date. */
  margin: number;
}

export interface Projection {
  low: number;
  mid: number;
  high: number;
}

export interface Readiness {
  exam: Exam;
  examDate: string;
  daysLeft: number;
  passing: Figure<number>;
  standardError: Figure<number>;
  target?: { value: number; source: "you" | "guide"; guide?: Step2ckTarget };
  /** All of this exam's practice results, oldest first. */
  forms: JudgedForm[];
  /** Those the verdict rests on: Step 1's most recent forms, otherwise the latest result. */
  considered: JudgedForm[];
  trend?: { perWeek: number; tests: number; overDays: number };
  projected?: Projection;
  margins?: { passing: number; target?: number };
  verdict: Verdict;
  /** Why the verdict is what it is, one line each. */
  reasons: string[];
  /** The method, in one line. */
  method: string;
  advice: Advice[];
  /** Step 1 at risk: the window the guide says to move the exam into. */
  postpone?: { from: string; to: string };
  /** Step 2 CK: the day from which a score still below target means considering a new date. */
  decideBy?: string;
  /** Every figure used, for citing. */
  facts: Fact[];
}

/** How ready the user is for an exam on a date, judged by the guide's rules from their practice scores. */
export function assessReadiness(input: ReadinessInput, knowledge: KnowledgeBase): Readiness {
  const { exam, examDate, today } = input;
  const rules = guideRules(knowledge, today);
  // The passing standard that matters is the one in force when the exam is sat.
  const passing = numberFact(knowledge, `passing_standard.${exam}`, examDate);
  const standardError = numberFact(knowledge, "practice_test.standard_error", today);
  const forms = chronological(input.scores.filter((s) => s.exam === exam)).map((score) => {
    const equivalent = Math.round(equivalentScore(score, passing.value, standardError.value));
    return { score, equivalent, margin: equivalent - passing.value };
  });
  const base = {
    exam,
    examDate,
    daysLeft: daysBetween(today, examDate),
    passing,
    standardError,
    forms,
    facts: [passing.fact, standardError.fact],
  };
  const target = targetFor(input, knowledge);
  const result =
    exam === "step1"
      ? judgeStep1(base, rules)
      : judgeScaled({ ...base, ...(target ? { target } : {}) }, rules);
  if (target?.guide) result.facts.push(target.guide.mean.fact, target.guide.offset.fact);
  return result;
}

function targetFor(input: ReadinessInput, knowledge: KnowledgeBase): Readiness["target"] {
  if (input.target !== undefined) return { value: input.target, source: "you" };
  if (input.exam !== "step2ck") return undefined;
  const guide = step2ckTarget(knowledge, input.today, input.priorFailure ?? false);
  return { value: guide.target.low, source: "guide", guide };
}
