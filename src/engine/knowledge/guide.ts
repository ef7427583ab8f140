import { type Figure, numberFact, rangeFact } from "./figures.ts";
import type { KnowledgeBase, Range } from "./knowledge.ts";

/** The strategy guide's rules of thumb in force on a day, read from `knowledge/reference/guide-rules.yaml`. */
export interface GuideRules {
  targetNoFailure: Figure<Range>;
  targetPriorFailure: Figure<Range>;
  step1Margin: Figure<Range>;
  step1Forms: Figure<Range>;
  step1PostponeWeeks: Figure<Range>;
  step2ckAfterStep1Months: Figure<Range>;
  rescheduleWindowWeeks: Figure<number>;
  planMonths: Figure<Range>;
  phaseMonths: Figure<number>;
  foundationPerDay: Figure<Range>;
  buildPerDay: Figure<Range>;
  timedRandomAfterPercent: Figure<Range>;
  nbmeEveryMonths: Figure<number>;
  fullLengthEveryWeeks: Figure<Range>;
  taperWeeks: Figure<Range>;
  passesMinimum: Figure<number>;
  passesIdeal: Figure<Range>;
  secondQbankMonths: Figure<Range>;
  rotationBlocksPerDay: Figure<Range>;
}

export function guideRules(knowledge: KnowledgeBase, day: string): GuideRules {
  const range = (id: string) => rangeFact(knowledge, `guide.${id}`, day);
  const number = (id: string) => numberFact(knowledge, `guide.${id}`, day);
  return {
    targetNoFailure: range("step2ck_target.no_failure_above_mean"),
    targetPriorFailure: range("step2ck_target.prior_failure_above_mean"),
    step1Margin: range("step1.margin_over_passing"),
    step1Forms: range("step1.forms"),
    step1PostponeWeeks: range("step1.postpone_weeks"),
    step2ckAfterStep1Months: range("step1.step2ck_within_months"),
    rescheduleWindowWeeks: number("step2ck.reschedule_window_weeks"),
    planMonths: range("plan.months"),
    phaseMonths: number("plan.phase_months"),
    foundationPerDay: range("plan.foundation.questions_per_day"),
    buildPerDay: range("plan.build.questions_per_day"),
    timedRandomAfterPercent: range("plan.timed_random_after_percent"),
    nbmeEveryMonths: number("plan.nbme_every_months"),
    fullLengthEveryWeeks: range("plan.full_length_every_weeks"),
    taperWeeks: range("plan.taper_weeks"),
    passesMinimum: number("plan.qbank_passes_minimum"),
    passesIdeal: range("plan.qbank_passes_ideal"),
    secondQbankMonths: range("plan.secondary_qbank_months"),
    rotationBlocksPerDay: range("rotations.timed_blocks_per_day"),
  };
}
