import { defineCommand } from "../src/core/command.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { bullets, paragraph, reply } from "../src/core/reply.ts";
import { sourcesOf } from "../src/engine/knowledge/figures.ts";
import { chartSvg } from "../src/engine/progress/chart.ts";
import { sessionsFor } from "../src/engine/progress/log.ts";
import { logPlan } from "../src/engine/progress/pace.ts";
import { progressPicture } from "../src/engine/progress/picture.ts";
import { renderPng } from "../src/engine/progress/png.ts";
import { EXAM_NAMES } from "../src/engine/scores/exams.ts";
import { readiness, readinessOf } from "./readiness.ts";

export const progress = defineCommand({
  name: "progress",
  description:
    "A picture: your practice scores against passing, target and exam day, and your daily questions",
  options: readiness.options,
  preconditions: [privateOnly],
  async run(input, ctx) {
    const { caller, services } = ctx;
    const { store, knowledge } = services;
    const { today, result: judged } = await readinessOf(input, ctx);
    const examDate = judged.examDate;
    const sessions = sessionsFor(await store.studyLog.list(caller.userId), input.exam);
    const firstDay = sessions.map((s) => s.date).sort()[0];
    const plan = logPlan(knowledge, input.exam, examDate, firstDay, today);
    const picture = progressPicture(
      { exam: input.exam, today, readiness: judged, sessions, plan },
      knowledge,
    );
    const description = picture.description.join(" ");
    const image = renderPng(chartSvg(picture.chart));
    return reply({
      title: `Your ${EXAM_NAMES[input.exam]} progress`,
      blocks: [paragraph("What the picture shows:"), bullets(picture.description)],
      files: [{ name: `progress-${input.exam}.png`, mime: "image/png", data: image, description }],
      footer: {
        sources: sourcesOf(judged.facts),
        note: "Scores are judged as /readiness judges them; the projected band is an estimate, not a prediction.",
      },
      data: {
        exam: input.exam,
        exam_date: examDate,
        today,
        points: picture.chart.points,
        passing: picture.chart.passing,
        target: picture.target ?? null,
        projected: judged.projected ?? null,
        average_now: picture.averageNow,
        phase_now: picture.phaseNow ?? null,
        description: picture.description,
      },
    });
  },
});
