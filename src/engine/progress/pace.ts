import { addDays, daysBetween } from "../../core/dates.ts";
import { UserError } from "../../core/errors.ts";
import { type Exam, examSchema, type Profile } from "../../core/records.ts";
import type { KnowledgeBase } from "../knowledge/knowledge.ts";
import { buildPlan, type Phase, type Plan } from "../plans/plans.ts";
import { EXAM_NAMES } from "../scores/exams.ts";
import type { QbankLeft } from "./log.ts";

/** The exam studied for: the one named, else the saved exam date coming up first. */
export function upcomingExam(
  profile: Profile,
  today: string,
  named?: Exam,
): { exam: Exam; date: string } | undefined {
  if (named) {
    const date = profile.exam_dates[named];
    return date && date >= today ? { exam: named, date } : undefined;
  }
  const ahead = examSchema.options
    .flatMap((exam) => {
      const date = profile.exam_dates[exam];
      return date && date >= today ? [{ exam, date }] : [];
    })
    .sort((a, b) => a.date.localeCompare(b.date));
  return ahead[0];
}

/**
 * The study plan the log is measured against: the one /plan gave on the first logged day (or today),
 * so its phases move on as the exam nears, as the daily nudge's do. Undefined when the exam is too
 * close for any plan.
 */
export function logPlan(
  knowledge: KnowledgeBase,
  exam: Exam,
  examDate: string,
  firstDay: string | undefined,
  today: string,
): Plan | undefined {
  const start = firstDay !== undefined && firstDay < today ? firstDay : today;
  try {
    return buildPlan({ exam, examDate, today: start }, knowledge);
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
}

export const phaseOn = (plan: Plan, day: string): Phase | undefined =>
  plan.phases.find((phase) => phase.from <= day && day <= phase.to);

export interface PhasePace {
  name: string;
  to: string;
  min: number;
  max: number;
  standing: "below" | "within" | "above";
}

export interface QbankPace extends QbankLeft {
  /** At the 7-day pace; absent when nothing was done in the last 7 days. */
  finishOn?: string;
  /** The day the plan's taper begins (or the exam day): when the bank should be done. */
  dueBy: string;
  /** What `dueBy` is, in words. */
  dueWhat: string;
  /** Questions a day from today that finish it by `dueBy`. */
  neededPerDay: number;
}

export interface Pace {
  /** Questions a day over the last 7 days. */
  perDay: number;
  exam?: { exam: Exam; date: string; daysLeft: number };
  phase?: PhasePace;
  qbank?: QbankPace;
}

const round = (n: number): number => Math.round(n);

/** How the 7-day pace compares with the plan's phase today and with the question bank still to do. */
export function paceOf(input: {
  last7: number;
  today: string;
  exam?: { exam: Exam; date: string };
  plan?: Plan | undefined;
  qbank?: QbankLeft | undefined;
}): Pace {
  const { today, plan } = input;
  const perDay = round(input.last7 / 7);
  const pace: Pace = { perDay };
  if (input.exam) pace.exam = { ...input.exam, daysLeft: daysBetween(today, input.exam.date) };
  const phase = plan && phaseOn(plan, today);
  if (phase) {
    const { min, max } = phase.questions_per_day;
    const standing = perDay < min ? "below" : perDay > max ? "above" : "within";
    pace.phase = { name: phase.name, to: phase.to, min, max, standing };
  }
  if (input.qbank) {
    const taper = plan?.phases.find((p) => p.name === "Taper");
    const [dueBy, dueWhat] = taper
      ? [taper.from, "when the plan's taper starts"]
      : input.exam
        ? [input.exam.date, "your exam day"]
        : [addDays(today, 90), "90 days from now"];
    const daysToDue = Math.max(1, daysBetween(today, dueBy));
    pace.qbank = {
      ...input.qbank,
      dueBy,
      dueWhat,
      neededPerDay: Math.ceil(input.qbank.left / daysToDue),
      ...(perDay > 0 && input.qbank.left > 0
        ? { finishOn: addDays(today, Math.ceil(input.qbank.left / perDay)) }
        : {}),
    };
  }
  return pace;
}

const thousands = (n: number): string => n.toLocaleString("en-US");

/** The pace in sentences: against the plan's phase, and against the question bank left. */
export function paceLines(pace: Pace): string[] {
  const lines = [`Your pace over the last 7 days: ${pace.perDay} questions a day.`];
  const { phase, qbank, exam } = pace;
  if (phase) {
    const range = `${phase.min}-${phase.max} a day`;
    const how =
      phase.standing === "within"
        ? "you are within it"
        : phase.standing === "below"
          ? `${phase.min - pace.perDay} a day short of its low end`
          : `${pace.perDay - phase.max} a day above its high end: keep reviewing every explanation`;
    lines.push(`The plan's ${phase.name} phase (until ${phase.to}) asks ${range}: ${how}.`);
  } else if (exam) {
    lines.push(`No plan phase runs today for ${EXAM_NAMES[exam.exam]} on ${exam.date} (see /plan).`);
  } else {
    lines.push("Save an exam date (/profile set step2ck_date:YYYY-MM-DD) to compare with the plan's phases.");
  }
  if (qbank) {
    const left = `Question bank: ${thousands(qbank.left)} questions left (${thousands(qbank.saved)} on ${qbank.asOfDay}, less ${thousands(qbank.loggedSince)} logged since)`;
    if (qbank.left === 0) lines.push(`${left}: done. A second pass of your incorrects is the next step.`);
    else if (!qbank.finishOn)
      lines.push(
        `${left}. Finishing it by ${qbank.dueBy} (${qbank.dueWhat}) needs ${qbank.neededPerDay} a day.`,
      );
    else {
      const early = daysBetween(qbank.finishOn, qbank.dueBy);
      const due = `${qbank.dueBy} (${qbank.dueWhat})`;
      const verdict =
        early >= 0
          ? `${early} day(s) before ${due}`
          : `${-early} day(s) after ${due}: ${qbank.neededPerDay} a day would finish it in time`;
      lines.push(`${left}. At your pace you finish it on ${qbank.finishOn}, ${verdict}.`);
    }
  } else {
    lines.push(
      "Add how many questions are left in your question bank (/profile set qbank:<questions>) to see when you finish it.",
    );
  }
  return lines;
}
