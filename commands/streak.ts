import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { dayIn } from "../src/core/dates.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { examSchema } from "../src/core/records.ts";
import { type Field, fields, paragraph, reply } from "../src/core/reply.ts";
import {
  dailyTotals,
  logZone,
  qbankLeft,
  type Run,
  sessionsFor,
  streaksOf,
  type Window,
  windowOf,
} from "../src/engine/progress/log.ts";
import { logPlan, paceLines, paceOf, upcomingExam } from "../src/engine/progress/pace.ts";

const runText = (run: Run | undefined): string =>
  !run ? "0 days" : run.days === 1 ? `1 day (${run.from})` : `${run.days} days (${run.from} to ${run.to})`;

const windowText = (w: Window): string =>
  `${w.questions.toLocaleString("en-US")} questions${w.percentCorrect === undefined ? "" : `, ${w.percentCorrect}% right (of the ${w.judged.toLocaleString("en-US")} with a result)`}`;

export const streak = defineCommand({
  name: "streak",
  description:
    "Your study streak, the last 7 and 28 days, and your pace against the plan and your question bank",
  options: z.object({
    exam: examSchema
      .optional()
      .describe("The exam whose plan to compare with (default: your next exam date)"),
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const { store, clock, knowledge } = services;
    const profile = await store.profiles.get(caller.userId);
    const zone = logZone(profile);
    const today = dayIn(clock.now(), zone);
    const all = await store.studyLog.list(caller.userId);
    const exam = upcomingExam(profile, today, input.exam);
    const sessions = exam ? sessionsFor(all, exam.exam) : all;
    const days = dailyTotals(sessions);
    const { current, longest } = streaksOf(days, today);
    const last7 = windowOf(days, today, 7);
    const last28 = windowOf(days, today, 28);
    const plan = exam && logPlan(knowledge, exam.exam, exam.date, [...days.keys()][0], today);
    const pace = paceOf({
      last7: last7.questions,
      today,
      ...(exam ? { exam } : {}),
      plan,
      qbank: qbankLeft(profile.qbank, all, zone),
    });
    const shown: Field[] = [
      { name: "Current streak", value: runText(current) },
      { name: "Longest streak", value: runText(longest) },
      { name: "Last 7 days", value: windowText(last7) },
      { name: "Last 28 days", value: windowText(last28) },
    ];
    return reply({
      title: "Your study streak",
      blocks: [
        ...(all.length === 0
          ? [paragraph("Nothing logged yet. Log a session: /log questions:40 correct:30")]
          : []),
        fields(shown),
        paragraph(paceLines(pace).join("\n")),
        paragraph(`Days are counted in ${zone}; /progress draws it with your practice scores.`),
      ],
      data: {
        streak: {
          current: current?.days ?? 0,
          longest: longest?.days ?? 0,
          last7: last7.questions,
          last28: last28.questions,
        },
        percent_correct: { last7: last7.percentCorrect ?? null, last28: last28.percentCorrect ?? null },
        today,
        timezone: zone,
        pace,
      },
    });
  },
});
