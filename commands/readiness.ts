import * as z from "zod";
import { type CommandContext, defineCommand } from "../src/core/command.ts";
import { requireNotPast, todayIn } from "../src/core/dates.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { type Profile, stepScoreSchema } from "../src/core/records.ts";
import { bullets, type Field, fields, paragraph, reply } from "../src/core/reply.ts";
import { withCaveat } from "../src/engine/faq/caveats.ts";
import { cite, provenance, sourcesOf } from "../src/engine/knowledge/figures.ts";
import { factValueText } from "../src/engine/knowledge/knowledge.ts";
import {
  dailyTotals,
  loggedSoFar,
  type QbankLeft,
  qbankLeft,
  sessionsFor,
  type Window,
  windowOf,
} from "../src/engine/progress/log.ts";
import { adviceLines } from "../src/engine/scores/advice.ts";
import { EXAM_NAMES, examDateFor, examOptions } from "../src/engine/scores/exams.ts";
import { scoreText } from "../src/engine/scores/practice.ts";
import { assessReadiness, type Readiness } from "../src/engine/scores/readiness.ts";
import { signed } from "../src/engine/scores/verdicts.ts";

const VERDICT_TEXT = { ready: "ready", borderline: "borderline", not_ready: "not ready yet" } as const;

const options = z.object({
  ...examOptions,
  target: stepScoreSchema.optional().describe("Your target score (default: the guide's Step 2 CK target)"),
});

/**
 * The readiness verdict for the caller's input: their profile fills in the exam date, today is in
 * their zone. Shared with /progress, which draws the same figures.
 */
export async function readinessOf(
  input: z.infer<typeof options>,
  { caller, services }: CommandContext,
): Promise<{ profile: Profile; today: string; result: Readiness }> {
  const { store, clock, knowledge } = services;
  const profile = await store.profiles.get(caller.userId);
  const today = todayIn(clock, profile.timezone);
  const examDate = examDateFor(input.exam, input.exam_date, profile);
  requireNotPast("exam_date", examDate, today);
  const result = assessReadiness(
    {
      exam: input.exam,
      examDate,
      today,
      scores: await store.scores.list(caller.userId),
      target: input.target,
      priorFailure: profile.step1 === "fail",
    },
    knowledge,
  );
  return { profile, today, result };
}

export const readiness = defineCommand({
  name: "readiness",
  description: "How ready you are for an exam, from your logged practice scores and the guide's rules",
  options,
  preconditions: [privateOnly],
  async run(input, ctx) {
    const { caller, services } = ctx;
    const { store } = services;
    const { profile, today, result } = await readinessOf(input, ctx);
    const all = await store.studyLog.list(caller.userId);
    const zone = profile.timezone ?? "utc";
    const bank = qbankLeft(profile.qbank, all, zone);
    const done = loggedSoFar(all);
    const recent = windowOf(dailyTotals(sessionsFor(all, input.exam)), today, 28);
    const blocks = [
      paragraph(`Verdict: ${VERDICT_TEXT[result.verdict]}.`),
      bullets(result.reasons),
      fields([...readinessFields(result), ...logFields(done.questions, bank, recent)]),
      ...(result.advice.length ? [paragraph("What to do:"), bullets(adviceLines(result.advice))] : []),
      paragraph(result.method),
    ];
    if (input.exam === "step2ck" && input.target === undefined && profile.step1 === undefined) {
      blocks.push(
        paragraph(
          "Target assumes no Step 1 failure; save yours with /profile set step1:<pass|fail|not_taken>.",
        ),
      );
    }
    return reply({
      title: `Readiness for ${EXAM_NAMES[input.exam]} on ${result.examDate}`,
      blocks,
      footer: {
        sources: sourcesOf(result.facts),
        note: withCaveat("An estimate to plan with, not a prediction of your result.", result.facts),
      },
      data: {
        exam: result.exam,
        exam_date: result.examDate,
        days_left: result.daysLeft,
        verdict: result.verdict,
        projected: result.projected ?? null,
        margins: result.margins ?? null,
        latest: result.considered.at(-1)?.score ?? null,
        trend: result.trend ?? null,
        passing: { value: result.passing.value, valid_from: result.passing.fact.valid_from },
        standard_error: result.standardError.value,
        target: result.target ? { value: result.target.value, source: result.target.source } : null,
        forms: result.considered.map((f) => ({ id: f.score.id, equivalent: f.equivalent, margin: f.margin })),
        reasons: result.reasons,
        method: result.method,
        advice: result.advice,
        log: {
          questions: done.questions,
          qbank_left: bank?.left ?? null,
          qbank_done_percent: bank ? completion(done.questions, bank.left) : null,
          last28: { questions: recent.questions, percent_correct: recent.percentCorrect ?? null },
        },
        ...(result.postpone ? { postpone: result.postpone } : {}),
        ...(result.decideBy ? { decide_by: result.decideBy } : {}),
      },
    });
  },
});

/** Share of the bank done, by the log: logged questions over logged plus left. */
const completion = (done: number, left: number): number =>
  done + left === 0 ? 0 : Math.round((done / (done + left)) * 100);

/** The study log beside the scores: how much of the question bank is done, and recent percent right. */
function logFields(done: number, bank: QbankLeft | undefined, recent: Window): Field[] {
  const out: Field[] = [];
  if (bank) {
    out.push({
      name: "Question bank",
      value: `${completion(done, bank.left)}% done by your log: ${done.toLocaleString("en-US")} questions logged, ${bank.left.toLocaleString("en-US")} left`,
    });
  } else {
    out.push({
      name: "Question bank",
      value: `${done.toLocaleString("en-US")} questions logged; save how many are left with /profile set qbank:<questions> to see how much is done`,
    });
  }
  out.push({
    name: "Last 28 days of questions",
    value:
      recent.questions === 0
        ? "none logged (/log questions:<n> correct:<n>)"
        : `${recent.questions.toLocaleString("en-US")} questions${recent.percentCorrect === undefined ? "" : `, ${recent.percentCorrect}% right`}`,
  });
  return out;
}

function readinessFields(result: Readiness): Field[] {
  const out: Field[] = [{ name: "Days to the exam", value: String(result.daysLeft) }];
  const latest = result.considered.at(-1);
  if (latest) {
    const { score } = latest;
    out.push({
      name: "Latest practice result",
      value: `${score.test} on ${score.date}: ${scoreText({ kind: score.kind, value: score.value })}${score.kind === "chance" ? ` (about ${latest.equivalent})` : ""}`,
    });
  }
  if (result.exam === "step1" && result.considered.length > 0) {
    out.push({
      name: "Recent forms (points above passing)",
      value: result.considered.map((f) => `${f.score.test}: ${signed(f.margin)}`).join("; "),
    });
  }
  if (result.trend) {
    out.push({
      name: "Trend",
      value: `${signed(result.trend.perWeek)} points a week over ${result.trend.tests} tests in ${result.trend.overDays} days`,
    });
  }
  if (result.projected) {
    const p = result.projected;
    out.push({ name: "Projected exam-day score", value: `${p.mid} (band ${p.low}-${p.high})` });
  }
  out.push({
    name: "Passing standard on your exam date",
    value: `${result.passing.value} (${provenance(result.passing.fact)})`,
  });
  if (result.margins) out.push({ name: "Margin over passing", value: signed(result.margins.passing) });
  if (result.target) {
    const guide = result.target.guide;
    const from = guide
      ? `: the low end of the guide's ${factValueText(guide.offset.value)} points above the mean ${guide.priorFailure ? "after a Step 1 failure" : "with no exam failure"}; mean ${guide.mean.value} (${provenance(guide.mean.fact)})`
      : " (yours)";
    out.push({ name: "Target", value: `${result.target.value}${from}` });
    if (result.margins?.target !== undefined) {
      out.push({ name: "Margin over target", value: signed(result.margins.target) });
    }
  }
  out.push({ name: "Standard error", value: cite(result.standardError) });
  return out;
}
