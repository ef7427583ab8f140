import { z } from "zod";
import { defineCommand } from "../src/core/command.ts";
import { requireNotPast, todayIn } from "../src/core/dates.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { situationSchema } from "../src/core/records.ts";
import { bullets, fields, paragraph, reply } from "../src/core/reply.ts";
import { sourcesOf } from "../src/engine/knowledge/figures.ts";
import { factValueText } from "../src/engine/knowledge/knowledge.ts";
import { buildPlan, type Phase } from "../src/engine/plans/plans.ts";
import { adviceLines } from "../src/engine/scores/advice.ts";
import { EXAM_NAMES, examDateFor, examOptions } from "../src/engine/scores/exams.ts";

export const plan = defineCommand({
  name: "plan",
  description: "A phased study plan scaled to the time you have left, from the guide's 4-6 month plan",
  options: z.object({
    ...examOptions,
    situation: situationSchema
      .optional()
      .describe("Where you study from: rotations, observership or away (default: your profile)"),
    qbank: z
      .number()
      .int()
      .min(1)
      .max(20000)
      .optional()
      .meta({ placeholder: "questions left" })
      .describe("Questions left in your main question bank"),
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const profile = await services.store.profiles.get(caller.userId);
    const today = todayIn(services.clock, profile.timezone);
    const examDate = examDateFor(input.exam, input.exam_date, profile);
    requireNotPast("exam_date", examDate, today);
    const situation = input.situation ?? profile.situation;
    const result = buildPlan(
      { exam: input.exam, examDate, today, situation, qbankLeft: input.qbank },
      services.knowledge,
    );
    const total = `${result.questions.min}-${result.questions.max} questions in all`;
    const passes = result.passes
      ? `, ${factValueText(result.passes)} passes of your ${input.qbank} remaining`
      : "";
    return reply({
      title: `Study plan: ${EXAM_NAMES[input.exam]} on ${examDate} (${result.daysLeft} days)`,
      blocks: [
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
        advice: result.advice,
      },
    });
  },
});

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
