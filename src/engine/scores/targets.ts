import type { StepStatus } from "../../core/records.ts";
import { type Figure, numberFact } from "../knowledge/figures.ts";
import { type GuideRules, guideRules } from "../knowledge/guide.ts";
import type { KnowledgeBase, Range } from "../knowledge/knowledge.ts";
import type { Advice } from "./advice.ts";
import { statistics } from "./statistics.ts";

export interface ScoreRange {
  low: number;
  high: number;
}

/** The guide's Step 2 CK target: a span above the national mean that depends on the Step 1 history. */
export interface Step2ckTarget {
  priorFailure: boolean;
  mean: Figure<number>;
  /** The guide's offset above the mean that applies. */
  offset: Figure<Range>;
  target: ScoreRange;
  /** With no failure the guide's floor is the mean itself; after a failure the target is the floor. */
  minimum: number;
}

/** Where the guide's target sits for someone with (or without) a prior Step 1 failure. */
export function step2ckTarget(knowledge: KnowledgeBase, today: string, priorFailure: boolean): Step2ckTarget {
  const rules = guideRules(knowledge, today);
  const mean = numberFact(knowledge, "step2ck.mean", today);
  const offset = priorFailure ? rules.targetPriorFailure : rules.targetNoFailure;
  const target = { low: mean.value + offset.value.min, high: mean.value + offset.value.max };
  return { priorFailure, mean, offset, target, minimum: priorFailure ? target.low : mean.value };
}

export type Standing = "above_target" | "above_mean" | "slightly_below_mean" | "well_below_mean";

export interface MatchedComparison {
  specialty: string;
  figure: Figure<number>;
  difference: number;
}

export interface ScoreStanding {
  score: number;
  standing: Standing;
  aboveMean: number;
  sd: Figure<number>;
  /** Share of US/Canadian first-takers scoring below, assuming scores spread normally. */
  percentile: number;
  matched: MatchedComparison[];
}

export interface TargetInput {
  step1: StepStatus;
  step2ckScore?: number | undefined;
  needsVisa?: boolean | undefined;
}

export interface TargetResult extends Step2ckTarget {
  standing?: ScoreStanding;
  /** Matched non-US IMG means, cited as context (absent before the report existed). */
  matched: Array<Omit<MatchedComparison, "difference">>;
  advice: Advice[];
}

const MATCHED = [
  { specialty: "Internal Medicine", id: "nrmp.step2ck_mean.non_us_img.internal_medicine" },
  { specialty: "Psychiatry", id: "nrmp.step2ck_mean.non_us_img.psychiatry" },
] as const;

/** The Step 2 CK target the guide gives this user, where an actual score stands, and what to do next. */
export function computeTarget(input: TargetInput, knowledge: KnowledgeBase, today: string): TargetResult {
  const rules = guideRules(knowledge, today);
  const base = step2ckTarget(knowledge, today, input.step1 === "fail");
  const matched = MATCHED.flatMap(({ specialty, id }) =>
    knowledge.factAt(id, today) ? [{ specialty, figure: numberFact(knowledge, id, today) }] : [],
  );
  const standing =
    input.step2ckScore === undefined
      ? undefined
      : standingOf(input.step2ckScore, base, matched, knowledge, today);
  const result: TargetResult = { ...base, matched, advice: [] };
  if (standing) result.standing = standing;
  result.advice = targetAdvice(input, base, standing, rules);
  return result;
}

function standingOf(
  score: number,
  base: Step2ckTarget,
  matched: Array<Omit<MatchedComparison, "difference">>,
  knowledge: KnowledgeBase,
  today: string,
): ScoreStanding {
  const sd = numberFact(knowledge, "step2ck.sd", today);
  const aboveMean = score - base.mean.value;
  // "Significantly below the mean" is read as more than one standard deviation under it.
  let standing: Standing = "well_below_mean";
  if (score >= base.target.low) standing = "above_target";
  else if (aboveMean >= 0) standing = "above_mean";
  else if (aboveMean >= -sd.value) standing = "slightly_below_mean";
  return {
    score,
    standing,
    aboveMean,
    sd,
    percentile: Math.round(100 * statistics().cumulativeStdNormalProbability(aboveMean / sd.value)),
    matched: matched.map((m) => ({ ...m, difference: score - m.figure.value })),
  };
}

function targetAdvice(
  input: TargetInput,
  base: Step2ckTarget,
  standing: ScoreStanding | undefined,
  rules: GuideRules,
): Advice[] {
  const advice: Advice[] = [];
  const modest =
    standing && (standing.standing === "slightly_below_mean" || standing.standing === "well_below_mean");
  if (input.step1 === "not_taken") {
    const months = rules.step2ckAfterStep1Months.value;
    advice.push({
      section: "Timing relative to Step 2 CK",
      text: `Sit Step 1 only once several practice forms clear the passing standard comfortably, and book Step 2 CK within ${months.min}-${months.max} months of it while the basic science is still fresh.`,
    });
  }
  if (input.step1 === "fail") {
    advice.push(
      {
        section: "If you already have a Step 1 failure",
        text: "Treat Step 2 CK as the exam that shows the failure was a one-off: programs will read it for exactly that, so aim clearly above average, not just for a pass.",
      },
      {
        section: "If you already have a Step 1 failure",
        text: "Work out honestly why Step 1 went wrong and what you changed; that becomes a short growth story for your personal statement and interviews.",
      },
      {
        section: "If you already have a Step 1 failure",
        text: "Think about Step 3 earlier than most: a pass shows progression and eases worries about licensing exams.",
      },
    );
  }
  if (!standing && input.step1 !== "fail") {
    advice.push({
      section: "Setting a realistic but ambitious target",
      text: `Treat the national mean (${base.mean.value}) as the floor and the range above it as the goal; these are rough guidelines, not official cutoffs.`,
    });
  }
  if (standing?.standing === "above_target") {
    advice.push({
      section: "Setting a realistic but ambitious target",
      text: "Your score already meets the target: let your med-psych experiences, letters and narrative carry the rest of the application.",
    });
  }
  if (standing?.standing === "above_mean") {
    advice.push({
      section: "Understanding low Step score match realities",
      text: "At or above the mean you clear most numeric screens; strong letters and med-psych experiences now matter more than more points.",
    });
  }
  if (modest) {
    advice.push(
      {
        section: "Understanding low Step score match realities",
        text:
          standing.standing === "slightly_below_mean"
            ? "Slightly below the mean is still widely matchable, especially with no exam failures, a strong clinical profile and good letters."
            : "Well below the mean, fewer doors open at first, but many programs still consider applicants who show improvement, maturity and a clear plan.",
      },
      {
        section: "Strategic steps after a modest Step 2 CK",
        text: "Consider Step 3 before applying if time and money allow, but only once you are prepared: a weak Step 3 hurts.",
      },
      {
        section: "Strategic steps after a modest Step 2 CK",
        text: "Build US clinical experience in internal medicine and psychiatry (hands-on externships if you can get them).",
      },
      {
        section: "Strategic steps after a modest Step 2 CK",
        text: "Get letters from US attendings: at least one in internal medicine and one in psychiatry, asking them to speak to reliability, clinical reasoning and communication.",
      },
      {
        section: "Strategic steps after a modest Step 2 CK",
        text: "Put your med-psych experiences forward: integrated-care clinics, research or QI on medical and psychiatric comorbidity, community mental health work.",
      },
      {
        section: "Applying strategically to maximize interviews",
        text: "Apply to med-psych programs with a history of taking IMGs and explicit visa sponsorship, and also to categorical internal medicine and psychiatry programs as a safety net.",
      },
    );
  }
  if (input.needsVisa) {
    advice.push({
      section: "Strategic steps after a modest Step 2 CK",
      text: "Needing a visa: a passing Step 3 makes you more attractive to programs that sponsor H-1B visas and reassures them about licensing timelines; take it only when prepared, and favour programs explicit about visa sponsorship.",
    });
  }
  return advice;
}
