import * as z from "zod";
import { type Caller, defineCommand, defineCommandGroup } from "../src/core/command.ts";
import { dayIn } from "../src/core/dates.ts";
import { UserError } from "../src/core/errors.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { examSchema, type StudySession } from "../src/core/records.ts";
import { idOption, removeById } from "../src/core/removal.ts";
import { bullets, paragraph, reply } from "../src/core/reply.ts";
import type { Repositories } from "../src/core/repositories.ts";
import { dailyTotals, logZone, streaksOf } from "../src/engine/progress/log.ts";
import { EXAM_NAMES } from "../src/engine/scores/exams.ts";

/** Most questions one session may hold: a long day of blocks is about 280. */
const MOST_QUESTIONS = 1000;

const count = (what: string) =>
  z
    .number()
    .int()
    .max(MOST_QUESTIONS)
    .superRefine((n, ctx) => {
      if (n < 0) ctx.addIssue({ code: "custom", message: `${n} is negative: ${what} cannot be below 0.` });
    });

/** "40 questions, 30 right (75%), Step 2 CK". */
function sessionText(session: StudySession): string {
  const right =
    session.correct === undefined
      ? ""
      : `, ${session.correct} right (${Math.round((session.correct / session.questions) * 100)}%)`;
  const exam = session.exam ? `, ${EXAM_NAMES[session.exam]}` : "";
  return `${session.questions} questions${right}${exam}`;
}

const add = defineCommand({
  name: "add",
  description: "Log a study session: questions done, and how many were right",
  options: z.object({
    questions: count("a number of questions")
      .meta({ placeholder: "n" })
      .describe("How many questions you did in this session"),
    correct: count("a number of right answers")
      .optional()
      .meta({ placeholder: "n" })
      .describe("How many of them were right (or give percent)"),
    percent: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .meta({ placeholder: "p" })
      .describe("Percent right (or give correct)"),
    exam: examSchema.optional().describe("The exam you studied for (default: none in particular)"),
    date: z.iso.date().optional().describe("The day you did them (default: today, in your time zone)"),
    note: z.string().trim().max(200).optional().describe('A short note, e.g. "cardio block"'),
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const { store, clock } = services;
    const zone = logZone(await store.profiles.get(caller.userId));
    const now = clock.now();
    const today = dayIn(now, zone);
    const date = input.date ?? today;
    if (date > today) {
      throw new UserError(
        `\`date\` ${date} is in the future (today is ${today} in ${zone}): log sessions you have done. Nothing was logged.`,
      );
    }
    if (input.questions === 0) {
      throw new UserError("`questions` is 0: log a session once you have done at least one question.");
    }
    if (input.correct !== undefined && input.percent !== undefined) {
      throw new UserError(
        "Give `correct` or `percent`, not both: they say the same thing. Nothing was logged.",
      );
    }
    if (input.correct !== undefined && input.correct > input.questions) {
      throw new UserError(
        `\`correct\` (${input.correct}) is more than \`questions\` (${input.questions}): you cannot get more right than you did. Nothing was logged.`,
      );
    }
    const correct =
      input.percent !== undefined ? Math.round((input.questions * input.percent) / 100) : input.correct;
    const saved = await store.studyLog.add(
      caller.userId,
      {
        date,
        questions: input.questions,
        ...(correct === undefined ? {} : { correct }),
        ...(input.exam ? { exam: input.exam } : {}),
        ...(input.note ? { note: input.note } : {}),
        added_at: now.toISOString(),
      },
      now,
    );
    const days = dailyTotals(await store.studyLog.list(caller.userId));
    const day = days.get(date) ?? { questions: saved.questions, correct: 0, judged: 0 };
    const { current, longest } = streaksOf(days, today);
    return reply({
      title: "Study session logged",
      blocks: [
        paragraph(`Logged #${saved.id}: ${sessionText(saved)}, on ${date}.`),
        paragraph(
          `${date === today ? "Today" : date} so far: ${day.questions} questions. Current streak: ${current?.days ?? 0} day(s); longest: ${longest?.days ?? 0}.`,
        ),
        paragraph(`Your pace: /streak. Remove this one with /log remove id:${saved.id}.`),
      ],
      data: {
        session: saved,
        day: { date, questions: day.questions },
        streak: { current: current?.days ?? 0, longest: longest?.days ?? 0 },
      },
    });
  },
});

/** Sessions /log list shows; the rest are counted, and all are in /mydata. */
const LISTED = 20;

const list = defineCommand({
  name: "list",
  description: "List your logged study sessions, latest first",
  options: z.object({}),
  preconditions: [privateOnly],
  async run(_input, { caller, services }) {
    const sessions = await services.store.studyLog.list(caller.userId);
    if (sessions.length === 0) {
      return reply({
        title: "Your study log",
        blocks: [paragraph("Nothing logged yet. Log a session: /log questions:40 correct:30")],
        data: { sessions: [] },
      });
    }
    const latest = [...sessions]
      .sort((a, b) => b.date.localeCompare(a.date) || Number(b.id) - Number(a.id))
      .slice(0, LISTED);
    const more = sessions.length - latest.length;
    return reply({
      title: "Your study log",
      blocks: [
        bullets(latest.map((s) => `#${s.id} ${s.date}: ${sessionText(s)}${s.note ? ` (${s.note})` : ""}`)),
        ...(more > 0 ? [paragraph(`And ${more} earlier session(s): /mydata has them all.`)] : []),
        paragraph("Remove one with /log remove id:<id>."),
      ],
      data: { sessions },
    });
  },
});

const remove = defineCommand({
  name: "remove",
  description: "Delete one of your logged study sessions",
  options: z.object({ id: idOption("session", "/log list") }),
  preconditions: [privateOnly],
  async run({ id }, { caller, services }) {
    const removed = await removeById(services.store.studyLog, caller.userId, id, services.clock.now(), {
      one: "study session",
      many: "sessions",
      list: "/log list",
    });
    return reply({
      title: "Study session removed",
      blocks: [paragraph(`Removed #${removed.id}: ${sessionText(removed)}, on ${removed.date}.`)],
      data: { removed },
    });
  },
});

/** Where the person is counted: in a group, whether here; in a private chat, in how many groups. */
async function sharingStatus(caller: Caller, store: Repositories) {
  if (caller.chatKind === "group") {
    const here = (await store.sharing.members(caller.address)).find((m) => m.userId === caller.userId);
    return reply({
      blocks: [
        paragraph(
          here
            ? `You are counted in this group's weekly summary ${here.share.name ? `as ${here.share.name}` : "without your name"}. /log share:no stops it.`
            : "You are not counted in this group's weekly summary. /log share:yes adds your question counts and streak (never scores); add name:yes to be shown by name.",
        ),
      ],
      data: { sharing: Boolean(here), named: Boolean(here?.share.name) },
    });
  }
  const shares = Object.values((await store.personalData.export(caller.userId)).record?.shares ?? {});
  const named = shares.filter((s) => s.name !== undefined).length;
  return reply({
    blocks: [
      paragraph(
        shares.length === 0
          ? "You share your study log with no group. In a group, /log share:yes counts your questions and streak in its weekly summary (never scores)."
          : `You are counted in the weekly summary of ${shares.length} group(s)${named > 0 ? `, by name in ${named}` : ""}. Send /log share:no in a group to stop there; /forget removes every choice.`,
      ),
    ],
    data: { groups: shares.length, named },
  });
}

const share = defineCommand({
  name: "share",
  description: "In a group: be counted in its weekly summary (question counts and streaks, never scores)",
  options: z.object({
    share: z
      .boolean()
      .optional()
      .describe("yes to be counted in this group's weekly summary, no to stop (default: show your choice)"),
    name: z
      .boolean()
      .optional()
      .describe("yes to be shown by name there (default: counted without your name)"),
  }),
  async run(input, { caller, services }) {
    const { store, clock } = services;
    if (input.share === undefined) return sharingStatus(caller, store);
    if (caller.chatKind !== "group") {
      throw new UserError(
        "Sharing is per group: send /log share:yes in the group whose weekly summary should count you. Your log itself stays private.",
      );
    }
    const now = clock.now();
    if (!input.share) {
      const had = await store.sharing.unshare(caller.userId, caller.address, now);
      return reply({
        blocks: [
          paragraph(
            had
              ? "You are no longer counted in this group's weekly summary; your choice here is deleted."
              : "You were not counted in this group's weekly summary, so nothing changed.",
          ),
        ],
        data: { sharing: false, changed: had },
      });
    }
    const name = input.name ? caller.displayName?.trim().slice(0, 60) : undefined;
    if (input.name && !name) {
      throw new UserError("I cannot see your name here; share without name:yes to be counted without it.");
    }
    await store.sharing.share(
      caller.userId,
      caller.address,
      { since: now.toISOString(), ...(name ? { name } : {}) },
      now,
    );
    const sub = await store.subscriptions.get(caller.address);
    const when = sub?.summary_day
      ? "It goes out with the group's daily nudge once a week."
      : "This group's nudge has no weekly summary yet: an admin can add one with /nudge start ... summary_day:sun.";
    return reply({
      blocks: [
        paragraph(
          `You are counted in this group's weekly summary ${name ? `as ${name}` : "without your name"}: the questions you log and whether you kept a streak, never a score or a percent correct. ${when} /log share:no stops it.`,
        ),
      ],
      data: { sharing: true, named: Boolean(name), summary_day: sub?.summary_day ?? null },
    });
  },
});

export const log = defineCommandGroup({
  name: "log",
  description: "Your study log: questions done each day, for streaks, pace and the progress picture",
  subcommands: [add, list, remove, share],
  defaultSubcommand: "list",
  optionsPickSubcommand: true,
});
