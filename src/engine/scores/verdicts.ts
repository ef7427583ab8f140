import { addDays, daysBetween } from "../../core/dates.ts";
import type { GuideRules } from "../knowledge/guide.ts";
import type { Advice } from "./advice.ts";
import type { JudgedForm, Projection, Readiness, Verdict } from "./readiness.ts";
import { statistics } from "./statistics.ts";

/** The guide's rules for a verdict, per exam, from the judged practice forms (see readiness.ts). */

export type Base = Pick<
  Readiness,
  "exam" | "examDate" | "daysLeft" | "passing" | "standardError" | "forms" | "facts" | "target"
>;

function projectionOf(form: JudgedForm, standardError: number): Projection {
  return {
    low: form.equivalent - standardError,
    mid: form.equivalent,
    high: form.equivalent + standardError,
  };
}

/** The least-squares slope of score against date, per week; descriptive only (see the method line). */
function trendOf(forms: readonly JudgedForm[]): Readiness["trend"] {
  const first = forms[0];
  const last = forms.at(-1);
  if (!first || !last || forms.length < 2) return undefined;
  const overDays = daysBetween(first.score.date, last.score.date);
  if (overDays === 0) return undefined;
  const { m } = statistics().linearRegression(
    forms.map((f) => [daysBetween(first.score.date, f.score.date), f.equivalent]),
  );
  return { perWeek: Math.round(m * 70) / 10, tests: forms.length, overDays };
}

function noScores(base: Base, method: string, advice: Advice[]): Readiness {
  return {
    ...base,
    considered: [],
    verdict: "not_ready",
    reasons: ["No practice scores for this exam are logged yet, so nothing shows readiness so far."],
    method,
    advice,
  };
}

/** Step 1: several different forms, all a comfortable margin above passing; any form at risk means postponing. */
export function judgeStep1(base: Base, rules: GuideRules): Readiness {
  const forms = rules.step1Forms.value;
  const margin = rules.step1Margin.value;
  const postponeWeeks = rules.step1PostponeWeeks.value;
  const se = base.standardError.value;
  base.facts.push(rules.step1Forms.fact, rules.step1Margin.fact, rules.step1PostponeWeeks.fact);
  const method = `Method: your last ${forms.max} forms are each compared with the passing standard in force on your exam date (${base.passing.value}); a chance of passing counts as the score whose ±${se}-point band gives that chance; ready needs at least ${forms.min} forms, all ${margin.min}+ points above passing.`;
  const weakSystems: Advice = {
    section: "Avoiding a Step 1 failure",
    text: "Find your weak systems (neuro, cardio, biochemistry are common) and fix them with focused resources: question-bank explanations, Boards & Beyond, Sketchy or Pathoma as needed.",
  };
  const protection: Advice = {
    section: "Avoiding a Step 1 failure",
    text: "Keep a minimum protection plan: high-yield review and a question block every day, even on rotations, and a weekly mixed review of all systems.",
  };
  if (base.forms.length === 0) {
    return noScores(base, method, [
      {
        section: "Avoiding a Step 1 failure",
        text: `Take ${forms.min}-${forms.max} different NBME forms and log each with /score add; sit Step 1 only once they are all ${margin.min}-${margin.max} points clear of passing.`,
      },
      protection,
    ]);
  }
  const considered = base.forms.slice(-forms.max);
  const latest = considered.at(-1) as JudgedForm;
  const atRisk = considered.filter((f) => f.margin < margin.min);
  const reasons: string[] = [];
  const advice: Advice[] = [];
  let verdict: Verdict = "ready";
  let postpone: Readiness["postpone"];
  if (atRisk.length > 0) {
    verdict = "not_ready";
    postpone = {
      from: addDays(base.examDate, postponeWeeks.min * 7),
      to: addDays(base.examDate, postponeWeeks.max * 7),
    };
    reasons.push(
      `${atRisk.length} of your last ${considered.length} form(s) ${atRisk.length === 1 ? "is" : "are"} under ${margin.min} points above passing (${atRisk.map((f) => `${f.score.test}: ${signed(f.margin)}`).join(", ")}), which the guide treats as a risk of failing.`,
    );
    advice.push(
      {
        section: "Avoiding a Step 1 failure",
        text: `Postpone the exam ${postponeWeeks.min}-${postponeWeeks.max} weeks (a new date between ${postpone.from} and ${postpone.to}); a late failure costs far more than a few months.`,
      },
      weakSystems,
      protection,
    );
  } else if (considered.length < forms.min) {
    verdict = "borderline";
    reasons.push(
      `Your form(s) clear passing by ${margin.min}+ points, but the guide wants at least ${forms.min} different forms showing that consistently.`,
    );
    advice.push(
      {
        section: "Avoiding a Step 1 failure",
        text: `Take another, different NBME form and log it; ${forms.min}-${forms.max} forms all ${margin.min}-${margin.max} points clear is the bar.`,
      },
      protection,
    );
  } else {
    reasons.push(
      `Your last ${considered.length} forms are all at least ${margin.min} points above passing (lowest ${signed(Math.min(...considered.map((f) => f.margin)))}).`,
    );
    advice.push(protection);
  }
  const trend = trendOf(base.forms);
  return {
    ...base,
    considered,
    ...(trend ? { trend } : {}),
    projected: projectionOf(latest, se),
    margins: { passing: latest.margin },
    verdict,
    reasons,
    method,
    advice,
    ...(postpone ? { postpone } : {}),
  };
}

/** Step 2 CK and Step 3: the latest score, its band, the passing standard and the target. */
export function judgeScaled(base: Base, rules: GuideRules): Readiness {
  const se = base.standardError.value;
  const window = rules.rescheduleWindowWeeks.value;
  const targetText = base.target ? ` and your target (${base.target.value})` : "";
  const method = `Method: projected exam-day score = your latest practice score ±${se} (the standard error), compared with the passing standard in force on your exam date (${base.passing.value})${targetText}; the trend is reported but not added, so a higher score never lowers the verdict.`;
  const patterns: Advice = {
    section: "Addressing low NBME or practice scores early",
    text: "Fix gaps systematically: look for patterns in what you miss (psychiatry from DSM criteria confusion, medicine from guideline updates) and review those areas, especially cardiology, pulmonology, endocrinology and infectious disease.",
  };
  if (base.forms.length === 0) {
    return noScores(base, method, [
      {
        section: "Sample 4-6 month Step 2 CK plan",
        text: "Take an NBME or UWSA self-assessment and log it with /score add to get a verdict.",
      },
    ]);
  }
  const latest = base.forms.at(-1) as JudgedForm;
  const projected = projectionOf(latest, se);
  const target = base.target?.value;
  const margins = {
    passing: projected.mid - base.passing.value,
    ...(target === undefined ? {} : { target: projected.mid - target }),
  };
  const belowTarget = target !== undefined && projected.mid < target;
  const lateForTarget = base.exam === "step2ck" && belowTarget && base.daysLeft < window * 7;
  const reasons: string[] = [];
  const advice: Advice[] = [];
  let verdict: Verdict = "ready";
  if (projected.mid < base.passing.value) {
    verdict = "not_ready";
    reasons.push(
      `Your latest score (${latest.equivalent}) is below the passing standard (${base.passing.value}).`,
    );
  } else if (projected.low < base.passing.value) {
    verdict = "borderline";
    reasons.push(
      `Your band (${projected.low}-${projected.high}) reaches below the passing standard (${base.passing.value}).`,
    );
  }
  if (lateForTarget) {
    verdict = "not_ready";
    reasons.push(
      `Your latest score is ${-(margins.target ?? 0)} below your target with ${base.daysLeft} days (under ${window} weeks) to go.`,
    );
    advice.push({
      section: "Addressing low NBME or practice scores early",
      text: "Consider moving the exam to a later date: practice scores stuck below target this close to the exam rarely close the gap in time.",
    });
  } else if (belowTarget) {
    if (verdict === "ready") verdict = "borderline";
    reasons.push(
      `Your latest score is ${-(margins.target ?? 0)} below your target, with ${base.daysLeft} days left.`,
    );
  }
  const trend = trendOf(base.forms);
  if (belowTarget && trend) reasons.push(paceLine(trend.perWeek, projected.mid, base.daysLeft));
  if (verdict === "ready") {
    reasons.push(
      `Your latest score (${latest.equivalent}) is clear of passing by ${margins.passing}${target === undefined ? "" : ` and meets your target (${target})`}.`,
    );
    advice.push({
      section: "Sample 4-6 month Step 2 CK plan",
      text: "Keep taking a full-length practice exam every few weeks and ease off slightly in the last week or two to consolidate.",
    });
  } else {
    advice.push(patterns);
  }
  let decideBy: string | undefined;
  if (base.exam === "step2ck" && belowTarget && !lateForTarget) {
    decideBy = addDays(base.examDate, -window * 7);
    advice.push({
      section: "Addressing low NBME or practice scores early",
      text: `If your scores are still below target on ${decideBy} (${window} weeks before the exam), consider moving the exam.`,
    });
  }
  base.facts.push(rules.rescheduleWindowWeeks.fact);
  return {
    ...base,
    considered: [latest],
    ...(trend ? { trend } : {}),
    projected,
    margins,
    verdict,
    reasons,
    method,
    advice,
    ...(decideBy ? { decideBy } : {}),
  };
}

/** What the recent pace would give by exam day: context for the user, never part of the verdict. */
function paceLine(perWeek: number, latest: number, daysLeft: number): string {
  if (perWeek <= 0)
    return `Your scores have not been rising (${signed(perWeek)} points a week): they have levelled off.`;
  const atPace = Math.round(latest + (perWeek * daysLeft) / 7);
  return `At your recent pace (${signed(perWeek)} points a week) you would be near ${atPace} on exam day, if the pace held.`;
}

/** "+12", "-3". */
export const signed = (n: number): string => (n >= 0 ? `+${n}` : String(n));
