import * as z from "zod";
import { markReachable } from "../src/core/chats.ts";
import { type CommandContext, defineCommand, defineCommandGroup } from "../src/core/command.ts";
import { checkTimeZone, dayIn, luxon } from "../src/core/dates.ts";
import { UserError } from "../src/core/errors.ts";
import { manage } from "../src/core/preconditions.ts";
import {
  examSchema,
  matchYearSchema,
  type Subscription,
  type Weekday,
  weekdaySchema,
} from "../src/core/records.ts";
import { fields, paragraph, reply } from "../src/core/reply.ts";
import { MILESTONE_HORIZON_DAYS } from "../src/engine/nudges/milestones.ts";
import { composeNudge, nextSlot } from "../src/engine/nudges/nudges.ts";
import { groupWeekFor } from "../src/engine/progress/week.ts";
import { matchProblem } from "../src/engine/roadmap/roadmap.ts";

const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

/** One subscription per chat, keyed by its address: the group's, or a private chat's own. */
const keyOf = ({ caller }: CommandContext) => caller.address;

const whenText = (at: string, zone: string) => {
  const instant = luxon().DateTime.fromISO(at);
  return `${instant.setZone(zone).toFormat("ccc d LLL yyyy, HH:mm")} ${zone} (${instant.toUTC().toFormat("HH:mm")} UTC)`;
};

const start = defineCommand({
  name: "start",
  description: "Post a short study nudge here every day at a set local time",
  preconditions: [manage],
  options: z.object({
    time: z
      .string()
      .max(5)
      .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, "write the time as HH:MM, 24-hour (e.g. 07:30)")
      .meta({ placeholder: "HH:MM" })
      .describe("Local time for the daily nudge, 24-hour HH:MM"),
    timezone: z
      .string()
      .min(1)
      .max(64)
      .meta({ placeholder: "Area/City" })
      .describe("IANA time zone, e.g. Asia/Kolkata"),
    exam_date: z.iso.date().optional().describe("Exam date for the countdown, YYYY-MM-DD"),
    exam: examSchema
      .optional()
      .describe("The exam studied for, for the daily question volume (default step2ck)"),
    match: matchYearSchema
      .optional()
      .meta({ placeholder: "year" })
      .describe("A Match to follow (2028 = March 2028): nudges mention its next milestone"),
    summary_day: weekdaySchema
      .optional()
      .describe("Groups: the weekday the nudge adds the week of those who share their log (/log share)"),
  }),
  async run({ time: typed, timezone, exam_date, exam = "step2ck", match, summary_day }, ctx) {
    const time = typed.padStart(5, "0");
    const zone = checkTimeZone(timezone);
    const now = ctx.services.clock.now();
    const today = dayIn(now, zone);
    if (exam_date !== undefined && exam_date < today) {
      throw new UserError(
        `\`exam_date\` ${exam_date} is already past in ${zone} (today is ${today}); give a future date.`,
      );
    }
    if (match !== undefined) {
      const problem = matchProblem(ctx.services.knowledge, match, now);
      if (problem) throw new UserError(`\`match\` ${match}: ${problem}`);
    }
    if (summary_day !== undefined && ctx.caller.chatKind !== "group") {
      throw new UserError(
        "`summary_day` is for group nudges: the week's summary counts the members who share their log in that group. In a private chat, /streak shows your own week.",
      );
    }
    const key = keyOf(ctx);
    const { caller } = ctx;
    const sub = await ctx.services.store.subscriptions.put(
      key,
      (previous): Subscription => ({
        chat_kind: caller.chatKind,
        ...(caller.chatKind === "private" ? { owner: caller.userId } : {}),
        time,
        timezone: zone,
        ...(exam_date ? { exam_date } : {}),
        exam,
        ...(summary_day ? { summary_day } : {}),
        started_day: today,
        ...nextSlot(today, time, zone, now),
        ...(previous?.last_sent_day ? { last_sent_day: previous.last_sent_day } : {}),
        shown_tips: previous?.shown_tips ?? [],
        ...(previous?.delivered_day ? { delivered_day: previous.delivered_day } : {}),
        ...(match === undefined ? {} : { match }),
        // What was mentioned is kept while the chat follows the same Match.
        ...(match !== undefined && previous?.match === match && previous.milestones_shown
          ? { milestones_shown: previous.milestones_shown }
          : {}),
      }),
    );
    // Starting again is how people resume a nudge paused because the chat could not be reached.
    await markReachable(ctx.services, key);
    ctx.services.nudges.changed(key);
    return reply({
      title: "Daily study nudge set",
      blocks: [
        paragraph(
          `A short study nudge will be posted here every day at ${time} ${zone}${exam_date ? `, counting down to ${exam_date}` : ""}. At most one a day; /nudge stop ends it.${summary_day ? ` On ${WEEKDAY_NAMES[summary_day]}s it adds the week of the members who share their study log here (/log share share:yes): question counts and streaks, never scores.` : ""}`,
        ),
        ...(match === undefined
          ? []
          : [
              paragraph(
                `It follows the ${match} Match: within ${MILESTONE_HORIZON_DAYS} days of the season's next milestone it adds a line about it, at most once a week, and again the day before and the day of it.`,
              ),
            ]),
        fields({ "Next nudge": whenText(sub.next_at, zone) }),
      ],
      data: { key, next_at: sub.next_at, next_day: sub.next_day, timezone: zone, match: sub.match ?? null },
    });
  },
});

const stop = defineCommand({
  name: "stop",
  description: "Stop the daily study nudge in this chat",
  preconditions: [manage],
  options: z.object({}),
  async run(_input, ctx) {
    const key = keyOf(ctx);
    // A private chat's nudge is personal data: the repository erases it from storage too.
    const removed = await ctx.services.store.subscriptions.remove(key);
    ctx.services.nudges.changed(key);
    return reply({
      blocks: [
        paragraph(
          removed ? "Daily nudges stopped here." : "There was no daily nudge here, so nothing changed.",
        ),
      ],
      data: { removed },
    });
  },
});

const status = defineCommand({
  name: "status",
  description: "Show this chat's daily nudge: time, next send and any pause",
  options: z.object({}),
  async run(_input, ctx) {
    const key = keyOf(ctx);
    const sub = await ctx.services.store.subscriptions.get(key);
    if (!sub) {
      return reply({
        blocks: [
          paragraph(
            "No daily nudge is set here. Start one with /nudge start time:07:30 timezone:Asia/Kolkata",
          ),
        ],
        data: { subscribed: false },
      });
    }
    const paused = (await ctx.services.store.chats.get(key))?.unreachable;
    const state = sub.ended_on
      ? `Ended after the exam date (last message ${sub.ended_on}).`
      : paused
        ? `Paused since ${paused.since.slice(0, 10)}: ${paused.reason}. /nudge start resumes it.`
        : "Active.";
    return reply({
      title: "Daily study nudge",
      blocks: [
        fields({
          Time: `${sub.time} ${sub.timezone}`,
          ...(sub.exam_date ? { "Exam date": sub.exam_date } : {}),
          ...(sub.match === undefined ? {} : { Match: `${sub.match}: a line about its next milestone` }),
          ...(sub.summary_day ? { "Week's summary": `${WEEKDAY_NAMES[sub.summary_day]}s` } : {}),
          State: state,
          ...(paused || sub.ended_on ? {} : { "Next nudge": whenText(sub.next_at, sub.timezone) }),
          // Delivered, or (a subscription saved before deliveries were recorded) marked sent.
          ...(sub.delivered_day || sub.last_sent_day
            ? { "Last sent": sub.delivered_day ?? sub.last_sent_day }
            : {}),
        }),
      ],
      data: {
        subscribed: true,
        next_at: sub.next_at,
        paused: paused?.reason ?? null,
        ended: Boolean(sub.ended_on),
      },
    });
  },
});

const preview = defineCommand({
  name: "preview",
  description: "Show what the next daily nudge here will look like",
  options: z.object({}),
  async run(_input, ctx) {
    const key = keyOf(ctx);
    const { knowledge, clock } = ctx.services;
    const now = clock.now();
    const existing = await ctx.services.store.subscriptions.get(key);
    // Without a subscription, preview a plain one so people can see it before starting.
    const sub: Subscription = existing ?? {
      chat_kind: ctx.caller.chatKind,
      time: "08:00",
      timezone: "UTC",
      exam: "step2ck",
      started_day: dayIn(now, "UTC"),
      ...nextSlot(dayIn(now, "UTC"), "08:00", "UTC", now),
      shown_tips: [],
    };
    const week = await groupWeekFor(ctx.services.store, key, sub, sub.next_day);
    const content = composeNudge(knowledge, key, sub, sub.next_day, week);
    return {
      ...content.reply,
      footer: {
        ...content.reply.footer,
        note: `Preview${existing ? ` of ${sub.next_day}` : ": no nudge is set here yet (/nudge start)"}. ${content.reply.footer?.note ?? ""}`.trim(),
      },
    };
  },
});

export const nudge = defineCommandGroup({
  name: "nudge",
  description: "Daily study nudges for this chat or group",
  subcommands: [start, stop, status, preview],
  defaultSubcommand: "status",
});
