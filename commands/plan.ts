import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { requireNotPast, todayIn } from "../src/core/dates.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { situationSchema } from "../src/core/records.ts";
import { bullets, fields, paragraph, reply } from "../src/core/reply.ts";
import { sourcesOf } from "../src/engine/knowledge/figures.ts";
import { factValueText } from "../src/engine/knowledge/knowledge.ts";
import { buildPlan, type Phase } from "../src/engine/plans/plans.ts";
import { loggedSoFar, type QbankLeft, qbankLeft, sessionsFor } from "../src/engine/progress/log.ts";
import { adviceLines } from "../src/engine/scores/advice.ts";
import { EXAM_NAMES, examDateFor, examOptions, qbankOption } from "../src/engine/scores/exams.ts";

export const plan = defineCommand({
  name: "plan",
  description: "A phased study plan scaled to the time you have left, from the guide's 4-6 month plan",
  options: z.object({
    ...examOptions,
    situation: situationSchema
      .optional()
      .describe("Where you study from: rotations, observership or away (default: your profile)"),
    qbank: qbankOption,
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const { store, clock } = services;
    let profile = await store.profiles.get(caller.userId);
    const today = todayIn(clock, profile.timezone);
    const examDate = examDateFor(input.exam, input.exam_date, profile);
    requireNotPast("exam_date", examDate, today);
    const situation = input.situation ?? profile.situation;
    // A figure given here is kept, so /streak and /readiness count down from it as sessions are logged.
    if (input.qbank !== undefined) {
      const qbank = { left: input.qbank, as_of: clock.now().toISOString() };
      profile = await store.profiles.update(caller.userId, { qbank }, clock.now());
    }
    const sessions = await store.studyLog.list(caller.userId);
    const bank = qbankLeft(profile.qbank, sessions, profile.timezone ?? "utc");
    const done = loggedSoFar(sessionsFor(sessions, input.exam));
    const result = buildPlan(
      { exam: input.exam, examDate, today, situation, qbankLeft: bank?.left || undefined },
      services.knowledge,
    );
    const total = `${result.questions.min}-${result.questions.max} questions in all`;
    const passes = result.passes
      ? `, ${factValueText(result.passes)} passes of your ${bank?.left} remaining`
      : "";
    return reply({
      title: `Study plan: ${EXAM_NAMES[input.exam]} on ${examDate} (${result.daysLeft} days)`,
      blocks: [
        ...(done.since ? [paragraph(alreadyDone(done.questions, done.since, bank))] : []),
        paragraph(result.timeVerdict),
        fields(result.phases.map(phaseField)),
        paragraph(`At these paces: ${total}${passes}.`),
        paragraph("Also:"),
        bullets(adviceLines(result.advice)),
      ],
      footer: {
        sources: sourcesOf(result.facts),
        note: "Paces, phases and intervals are the guide's rules of thumb, scaled to your dates.",
      },
      data: {
        exam: result.exam,
        exam_date: result.examDate,
        days_left: result.daysLeft,
        starts_on: result.startsOn,
        situation: situation ?? null,
        enough_time: result.enoughTime,
        time_verdict: result.timeVerdict,
        phases: result.phases,
        questions: result.questions,
        passes: result.passes ?? null,
        done: { questions: done.questions, since: done.since ?? null },
        qbank_left: bank?.left ?? null,
        advice: result.advice,
      },
    });
  },
});

/** Where the plan starts from: what the study log already holds, and the bank it leaves. */
function alreadyDone(questions: number, since: string, bank: QbankLeft | undefined): string {
  const logged = `Already done: ${questions.toLocaleString("en-US")} questions logged since ${since}`;
  if (!bank) return `${logged}. Add qbank:<questions left> to plan the rest of your question bank.`;
  if (bank.left === 0)
    return `${logged}, and your question bank is done: the plan is for review and second passes.`;
  return `${logged}; ${bank.left.toLocaleString("en-US")} questions of your bank are left, and the plan below is for those.`;
}

function phaseField(phase: Phase) {
  return {
    name: `${phase.name}: ${phase.from} to ${phase.to} (${phase.days} days)`,
    value: [
      `${factValueText(phase.questions_per_day)} questions a day, ${phase.mode}`,
      `Practice tests: ${phase.practice_tests}`,
      ...phase.focus,
    ].join("\n"),
  };
}
