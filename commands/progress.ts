import { z } from "zod";
import { defineCommand } from "../src/core/command.ts";
import { requireNotPast, todayIn } from "../src/core/dates.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { stepScoreSchema } from "../src/core/records.ts";
import { bullets, paragraph, reply } from "../src/core/reply.ts";
import { sourcesOf } from "../src/engine/knowledge/figures.ts";
import { chartSvg } from "../src/engine/progress/chart.ts";
import { sessionsFor } from "../src/engine/progress/log.ts";
import { logPlan } from "../src/engine/progress/pace.ts";
import { progressPicture } from "../src/engine/progress/picture.ts";
import { renderPng } from "../src/engine/progress/png.ts";
import { EXAM_NAMES, examDateFor, examOptions } from "../src/engine/scores/exams.ts";
import { assessReadiness } from "../src/engine/scores/readiness.ts";

export const progress = defineCommand({
  name: "progress",
  description:
    "A picture: your practice scores against passing, target and exam day, and your daily questions",
  options: z.object({
    ...examOptions,
    target: stepScoreSchema
      .optional()
      .describe("Your target score (default: the guide's, as /readiness uses)"),
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const { store, clock, knowledge } = services;
    const profile = await store.profiles.get(caller.userId);
    const today = todayIn(clock, profile.timezone);
    const examDate = examDateFor(input.exam, input.exam_date, profile);
    requireNotPast("exam_date", examDate, today);
    const readiness = assessReadiness(
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
    const sessions = sessionsFor(await store.studyLog.list(caller.userId), input.exam);
    const firstDay = sessions.map((s) => s.date).sort()[0];
    const plan = logPlan(knowledge, input.exam, examDate, firstDay, today);
    const picture = progressPicture({ exam: input.exam, today, readiness, sessions, plan }, knowledge);
    const description = picture.description.join(" ");
    const image = renderPng(chartSvg(picture.chart));
    return reply({
      title: `Your ${EXAM_NAMES[input.exam]} progress`,
      blocks: [paragraph("What the picture shows:"), bullets(picture.description)],
      files: [{ name: `progress-${input.exam}.png`, mime: "image/png", data: image, description }],
      footer: {
        sources: sourcesOf(readiness.facts),
        note: "Scores are judged as /readiness judges them; the projected band is an estimate, not a prediction.",
      },
      data: {
        exam: input.exam,
        exam_date: examDate,
        today,
        points: picture.chart.points,
        passing: picture.chart.passing,
        target: picture.target ?? null,
        projected: readiness.projected ?? null,
        average_now: picture.averageNow,
        phase_now: picture.phaseNow ?? null,
        description: picture.description,
      },
    });
  },
});
