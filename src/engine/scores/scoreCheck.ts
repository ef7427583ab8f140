import type { Exam, StepStatus } from "../../core/records.ts";
import { type Figure, numberFact } from "../knowledge/figures.ts";
import { guideRules } from "../knowledge/guide.ts";
import { type Fact, formatDay, type KnowledgeBase, type Range } from "../knowledge/knowledge.ts";
import { CHANCE, equivalentScore, SCALED } from "./practice.ts";
import type { ScoreMention } from "./scoreMention.ts";
import { statistics } from "./statistics.ts";
import { type ScoreRange, step2ckTarget } from "./targets.ts";

/** Where a score sits against the national mean, in steps of its standard deviation. */
export const BANDS = ["well_below", "below", "near", "above", "well_above"] as const;
export type Band = (typeof BANDS)[number];

export interface MatchedMean {
  specialty: string;
  figure: Figure<number>;
}

/** A three-digit Step 2 CK or Step 3 score (real or practice) against the national figures. */
export interface ScaledCheck {
  kind: "scaled";
  exam: Exam;
  score: number;
  mean: Figure<number>;
  sd: Figure<number>;
  /** (score - mean) / sd. */
  z: number;
  band: Band;
  /** Share of US/Canadian first-takers scoring lower, assuming a normal spread. */
  percentile: number;
  passing: Figure<number>;
  /** Step 2 CK: the guide's targets; `basis` says which applies when the profile tells. */
  targets: Array<{ basis: "no_failure" | "prior_step1_failure"; range: ScoreRange; applies: boolean }>;
  matched: MatchedMean[];
  facts: Fact[];
}

/** A Step 1 practice result (pass/fail exam): judged by the guide's margin over the passing standard. */
export interface Step1Check {
  kind: "step1";
  /** The practice result on the 3-digit scale (a chance of passing converted). */
  equivalent: number;
  /** The chance of passing that the guide's smallest margin corresponds to, in percent. */
  chanceNeeded: number;
  margin: number;
  verdict: "comfortable" | "borderline" | "at_risk";
  passing: Figure<number>;
  guideMargin: Figure<Range>;
  facts: Fact[];
}

/** A number that is not a score on that exam: the message says what to give instead. */
export interface InvalidScore {
  kind: "invalid";
  message: string;
}

export type ScoreCheckResult = ScaledCheck | Step1Check | InvalidScore;

const MATCHED = [
  { specialty: "Internal Medicine", id: "nrmp.step2ck_mean.non_us_img.internal_medicine" },
  { specialty: "Psychiatry", id: "nrmp.step2ck_mean.non_us_img.psychiatry" },
] as const;

const EXAM_NAME: Record<Exam, string> = { step1: "Step 1", step2ck: "Step 2 CK", step3: "Step 3" };

/** The band of a z-score, with cut points (in standard deviations) from the knowledge base. */
export function bandOf(z: number, near: number, far: number): Band {
  if (z < -far) return "well_below";
  if (z < -near) return "below";
  if (z <= near) return "near";
  if (z <= far) return "above";
  return "well_above";
}

/** Judges the score a question gave, against the figures in force today. */
export function checkScore(
  mention: ScoreMention,
  knowledge: KnowledgeBase,
  today: string,
  step1?: StepStatus,
): ScoreCheckResult {
  const name = EXAM_NAME[mention.exam];
  if (mention.kind === "percent") {
    return {
      kind: "invalid",
      message:
        mention.exam === "step1"
          ? `${mention.text} reads as a percent correct. Step 1 is pass/fail, and NBME's Step 1 forms also report a probability of passing: give that (for example "70% chance of passing").`
          : `${mention.text} reads as a percent correct, which is not on the ${name} score scale: give the three-digit score the practice test predicted (for example 245).`,
    };
  }
  if (mention.kind === "chance") {
    if (mention.exam !== "step1") {
      return {
        kind: "invalid",
        message: `Only NBME's Step 1 forms report a chance of passing; for ${name} give the three-digit score.`,
      };
    }
    if (mention.value < CHANCE.min || mention.value > CHANCE.max) {
      return {
        kind: "invalid",
        message: `A chance of passing runs from ${CHANCE.min}% to ${CHANCE.max}% on NBME's reports (you wrote ${mention.text}).`,
      };
    }
    return checkStep1(mention, knowledge, today);
  }
  if (mention.value < SCALED.min || mention.value > SCALED.max) {
    return {
      kind: "invalid",
      message: `${name} scores run ${SCALED.min}-${SCALED.max}; ${mention.value} is not one.`,
    };
  }
  if (mention.exam === "step1") {
    if (mention.practiceTest) return checkStep1(mention, knowledge, today);
    const since = knowledge.requireFact("step1.pass_fail_only", today);
    return {
      kind: "invalid",
      message: `Step 1 is pass/fail for exams taken since ${formatDay(since.valid_from)}, so a three-digit Step 1 score only exists for earlier exams (programs then see that number). For a practice form, give the probability of passing NBME reports (for example "CBSSA 70% chance").`,
    };
  }
  return checkScaled(mention, knowledge, today, step1);
}

function checkScaled(
  mention: ScoreMention,
  knowledge: KnowledgeBase,
  today: string,
  step1: StepStatus | undefined,
): ScaledCheck {
  const { exam, value: score } = mention;
  const mean = numberFact(knowledge, `${exam}.mean`, today);
  const sd = numberFact(knowledge, `${exam}.sd`, today);
  const near = numberFact(knowledge, "score_bands.near_sd", today);
  const far = numberFact(knowledge, "score_bands.far_sd", today);
  const passing = numberFact(knowledge, `passing_standard.${exam}`, today);
  const z = (score - mean.value) / sd.value;
  const facts = [mean.fact, sd.fact, near.fact, far.fact, passing.fact];
  const targets: ScaledCheck["targets"] = [];
  const matched: MatchedMean[] = [];
  if (exam === "step2ck") {
    for (const prior of [false, true]) {
      const target = step2ckTarget(knowledge, today, prior);
      const applies = step1 === undefined || (step1 === "fail") === prior;
      targets.push({ basis: prior ? "prior_step1_failure" : "no_failure", range: target.target, applies });
      facts.push(target.offset.fact);
    }
    for (const { specialty, id } of MATCHED) {
      if (!knowledge.factAt(id, today)) continue;
      const figure = numberFact(knowledge, id, today);
      matched.push({ specialty, figure });
      facts.push(figure.fact);
    }
  }
  return {
    kind: "scaled",
    exam,
    score,
    mean,
    sd,
    z,
    band: bandOf(z, near.value, far.value),
    percentile: Math.round(100 * statistics().cumulativeStdNormalProbability(z)),
    passing,
    targets,
    matched,
    facts,
  };
}

function checkStep1(mention: ScoreMention, knowledge: KnowledgeBase, today: string): Step1Check {
  const passing = numberFact(knowledge, "passing_standard.step1", today);
  const se = numberFact(knowledge, "practice_test.standard_error", today);
  const guideMargin = guideRules(knowledge, today).step1Margin;
  const kind = mention.kind === "chance" ? "chance" : "scaled";
  const equivalent = Math.round(equivalentScore({ kind, value: mention.value }, passing.value, se.value));
  const margin = equivalent - passing.value;
  const verdict = margin >= guideMargin.value.min ? "comfortable" : margin >= 0 ? "borderline" : "at_risk";
  return {
    kind: "step1",
    equivalent,
    chanceNeeded: Math.round(
      100 * statistics().cumulativeStdNormalProbability(guideMargin.value.min / se.value),
    ),
    margin,
    verdict,
    passing,
    guideMargin,
    facts: [passing.fact, se.fact, guideMargin.fact],
  };
}
