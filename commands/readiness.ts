import { z } from "zod";
import { defineCommand } from "../src/core/command.ts";
import { requireNotPast, todayIn } from "../src/core/dates.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { stepScoreSchema } from "../src/core/records.ts";
import { bullets, type Field, fields, paragraph, reply } from "../src/core/reply.ts";
import { withCaveat } from "../src/engine/faq/caveats.ts";
import { cite, provenance, sourcesOf } from "../src/engine/knowledge/figures.ts";
import { factValueText } from "../src/engine/knowledge/knowledge.ts";
import { adviceLines } from "../src/engine/scores/advice.ts";
import { EXAM_NAMES, examDateFor, examOptions } from "../src/engine/scores/exams.ts";
import { scoreText } from "../src/engine/scores/practice.ts";
import { assessReadiness, type Readiness } from "../src/engine/scores/readiness.ts";
import { signed } from "../src/engine/scores/verdicts.ts";

const VERDICT_TEXT = { ready: "ready", borderline: "borderline", not_ready: "not ready yet" } as const;

export const readiness = defineCommand({
  name: "readiness",
  description: "How ready you are for an exam, from your logged practice scores and the guide's rules",
  options: z.object({
    ...examOptions,
    target: stepScoreSchema.optional().describe("Your target score (default: the guide's Step 2 CK target)"),
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
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
    const blocks = [
      paragraph(`Verdict: ${VERDICT_TEXT[result.verdict]}.`),
      bullets(result.reasons),
      fields(readinessFields(result)),
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
      title: `Readiness for ${EXAM_NAMES[input.exam]} on ${examDate}`,
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
        ...(result.postpone ? { postpone: result.postpone } : {}),
        ...(result.decideBy ? { decide_by: result.decideBy } : {}),
      },
    });
  },
});

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
