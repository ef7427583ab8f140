import { addDays, daysBetween, latestDay } from "../../core/dates.ts";
import type { Exam, StudySession } from "../../core/records.ts";
import { guideRules } from "../knowledge/guide.ts";
import type { KnowledgeBase } from "../knowledge/knowledge.ts";
import type { Plan } from "../plans/plans.ts";
import { EXAM_NAMES } from "../scores/exams.ts";
import type { Readiness } from "../scores/readiness.ts";
import { signed } from "../scores/verdicts.ts";
import { type ChartData, type Span, shortDay, timeAxis } from "./chart.ts";
import { dailyTotals, rollingAverage } from "./log.ts";
import { phaseOn } from "./pace.ts";

/**
 * What /progress shows, worked out once: the chart's data and the same facts in words (the
 * picture's description, which is all a screen reader or the console gets besides the file).
 */

export interface TargetBand {
  low: number;
  high: number;
  /** Where it comes from, in words. */
  source: string;
}

export interface ProgressPicture {
  chart: ChartData;
  target?: TargetBand;
  /** The 7-day average today, and the plan's phase range today. */
  averageNow: number;
  phaseNow?: { name: string; min: number; max: number };
  /** The picture in words: one line per thing it shows. */
  description: string[];
}

/** The target band drawn: yours, the guide's Step 2 CK target, or for Step 1 the guide's margin over passing. */
export function targetBand(
  readiness: Readiness,
  knowledge: KnowledgeBase,
  today: string,
): TargetBand | undefined {
  const { target } = readiness;
  if (target?.source === "you") return { low: target.value, high: target.value, source: "your target" };
  if (target?.guide) return { ...target.guide.target, source: "the guide's Step 2 CK target for you" };
  if (readiness.exam === "step1") {
    const margin = guideRules(knowledge, today).step1Margin.value;
    const passing = readiness.passing.value;
    return {
      low: passing + margin.min,
      high: passing + margin.max,
      source: `the guide's margin of ${margin.min}-${margin.max} points over passing`,
    };
  }
  return undefined;
}

/** The passing standard in force on each day from `start` to `end`, as spans of one value. */
function passingSpans(knowledge: KnowledgeBase, exam: Exam, start: string, end: string): Array<Span<number>> {
  const spans: Array<Span<number>> = [];
  for (let day = start; day <= end; day = addDays(day, 1)) {
    const value = knowledge.factAt(`passing_standard.${exam}`, day)?.value;
    if (typeof value !== "number") continue;
    const last = spans.at(-1);
    if (last && last.value === value && addDays(last.to, 1) === day) last.to = day;
    else spans.push({ from: day, to: day, value });
  }
  return spans;
}

const rangeText = (low: number, high: number): string => (low === high ? String(low) : `${low}-${high}`);

export interface PictureInput {
  exam: Exam;
  today: string;
  readiness: Readiness;
  /** The sessions that count for this exam. */
  sessions: readonly StudySession[];
  /** The plan the log is measured against (pace.ts, logPlan), if one fits. */
  plan: Plan | undefined;
}

/** The chart's data and its description, from the readiness verdict's figures and the study log. */
export function progressPicture(input: PictureInput, knowledge: KnowledgeBase): ProgressPicture {
  const { exam, today, readiness, plan } = input;
  const examDate = readiness.examDate;
  const name = EXAM_NAMES[exam];
  const points = readiness.forms.map((form) => ({ date: form.score.date, value: form.equivalent }));
  const days = dailyTotals(input.sessions);
  const { start, end } = timeAxis(examDate, [today, ...points.map((p) => p.date), ...days.keys()]);
  const passing = passingSpans(knowledge, exam, start, end);
  const target = targetBand(readiness, knowledge, today);
  const projected = readiness.projected;
  const firstLogged = [...days.keys()][0];
  const average = firstLogged ? rollingAverage(days, latestDay(firstLogged, start), today) : [];
  const averageNow = Math.round(average.at(-1)?.average ?? 0);
  const phases = (plan?.phases ?? []).map((phase) => ({
    from: phase.from,
    to: phase.to,
    value: { name: phase.name, ...phase.questions_per_day },
  }));
  const phase = plan && phaseOn(plan, today);
  const phaseNow = phase ? { name: phase.name, ...phase.questions_per_day } : undefined;
  const daysLeft = daysBetween(today, examDate);
  const latest = points.at(-1);

  // Short: the marks carry their own labels, and every glyph costs render time.
  const subtitle = [
    latest ? `Latest ${latest.value} on ${shortDay(latest.date)}` : "No practice scores yet",
    `exam in ${daysLeft} days`,
  ].join("  ·  ");

  const description: string[] = [];
  if (latest) {
    const trend = readiness.trend ? ` (trend ${signed(readiness.trend.perWeek)} points a week)` : "";
    description.push(
      `Blue dots: your ${points.length} ${name} practice score(s), ${points[0]?.date} to ${latest.date}: ${points.map((p) => p.value).join(", ")}${trend}.`,
    );
  } else {
    description.push(`No ${name} practice scores logged yet (/score add): the picture shows the rest.`);
  }
  const passingText = passing.map((span) => `${span.value} from ${span.from}`).join(", then ");
  description.push(
    passing.length === 1
      ? `Red line: the passing standard, ${passing[0]?.value} on every date shown.`
      : `Red line: the passing standard in force on each date, ${passingText}.`,
  );
  if (target) {
    const against =
      latest && latest.value < target.low
        ? `; your latest score is ${target.low - latest.value} below its low end`
        : latest
          ? "; your latest score reaches it"
          : "";
    description.push(`Green band: ${target.source}, ${rangeText(target.low, target.high)}${against}.`);
  } else {
    description.push("No target band: add target:<score> to draw yours.");
  }
  description.push(
    `Purple line: your exam day, ${examDate}, ${daysLeft} days from today (dotted grey line).`,
  );
  if (projected) {
    description.push(
      `Orange bar on the exam day: the projected band from /readiness, ${projected.low}-${projected.high} (your latest score ±${readiness.standardError.value}).`,
    );
  }
  if (average.length > 0) {
    const vs = phaseNow
      ? `; the plan's ${phaseNow.name} phase asks ${phaseNow.min}-${phaseNow.max} a day (shaded)`
      : "";
    description.push(
      `Below: questions logged each day (grey bars) and their 7-day average (green line), ${averageNow} a day now${vs}.`,
    );
  } else {
    description.push(
      "Below: no study sessions logged yet (/log questions:<n>), so no daily questions to show.",
    );
  }

  return {
    chart: {
      title: `${name} progress`,
      subtitle,
      today,
      examDate,
      points,
      passing,
      ...(target ? { target: { low: target.low, high: target.high } } : {}),
      ...(projected ? { projected } : {}),
      daily: [...days]
        .filter(([day]) => day >= start)
        .map(([day, total]) => ({ day, questions: total.questions })),
      average,
      phases,
    },
    ...(target ? { target } : {}),
    averageNow,
    ...(phaseNow ? { phaseNow } : {}),
    description,
  };
}
