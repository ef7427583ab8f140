import { addDays, luxon } from "../../core/dates.ts";
import type { StudySession, Subscription, Weekday } from "../../core/records.ts";
import { type Block, bullets, paragraph } from "../../core/reply.ts";
import type { Repositories } from "../../core/repositories.ts";
import { dailyTotals, streaksOf } from "./log.ts";

/**
 * A group's week in its daily nudge: what the members who agreed in that chat (/log share) logged.
 * Only question counts and streaks, never a score or a percent correct; a name only when its
 * member agreed to be named.
 */

const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** The seven local days before `day`, when `day` is the group's summary day; undefined otherwise. */
export function summaryWeek(sub: Subscription, day: string): { from: string; to: string } | undefined {
  if (sub.chat_kind !== "group" || sub.summary_day === undefined) return undefined;
  const weekday = WEEKDAYS[luxon().DateTime.fromISO(day).weekday - 1];
  if (weekday !== sub.summary_day) return undefined;
  return { from: addDays(day, -7), to: addDays(day, -1) };
}

export interface MemberWeek {
  /** Only for members who agreed to be named. */
  name?: string;
  questions: number;
  /** Logged questions on each of the week's seven days. */
  everyDay: boolean;
  /** Their streak as the week ended. */
  streak: number;
}

export interface GroupWeek {
  from: string;
  to: string;
  members: MemberWeek[];
}

/** One member's week from their sessions. Pure. */
export function memberWeek(
  sessions: readonly StudySession[],
  week: { from: string; to: string },
  name?: string,
): MemberWeek {
  const inWeek = sessions.filter((s) => s.date >= week.from && s.date <= week.to);
  const days = dailyTotals(sessions.filter((s) => s.date <= week.to));
  const streak = streaksOf(days, week.to).current;
  const everyDay = streak !== undefined && streak.to === week.to && streak.days >= 7;
  return {
    ...(name === undefined ? {} : { name }),
    questions: inWeek.reduce((sum, s) => sum + s.questions, 0),
    everyDay,
    streak: streak?.days ?? 0,
  };
}

/** On the group's summary day, the week of everyone who agreed in the chat, read through the ports. */
export async function groupWeekFor(
  store: Pick<Repositories, "sharing" | "studyLog">,
  address: string,
  sub: Subscription,
  day: string,
): Promise<GroupWeek | undefined> {
  const week = summaryWeek(sub, day);
  if (!week) return undefined;
  const members: MemberWeek[] = [];
  for (const { userId, share } of await store.sharing.members(address)) {
    members.push(memberWeek(await store.studyLog.list(userId), week, share.name));
  }
  return { ...week, members };
}

/** The week's summary as reply blocks. */
export function weekBlocks(week: GroupWeek): Block[] {
  const { members } = week;
  const span = `${week.from} to ${week.to}`;
  if (members.length === 0) {
    return [
      paragraph(
        `Week in review (${span}): nobody here shares their study log yet. Anyone can join with /log share share:yes (question counts and streaks only, never scores).`,
      ),
    ];
  }
  const questions = members.reduce((sum, m) => sum + m.questions, 0);
  const logged = members.filter((m) => m.questions > 0).length;
  const everyDay = members.filter((m) => m.everyDay).length;
  const named = members.filter((m) => m.name !== undefined);
  return [
    paragraph(
      `Week in review (${span}), from the ${members.length} member(s) who share their log here: ${questions.toLocaleString("en-US")} questions logged; ${logged} logged at least once, ${everyDay} kept a streak all week.`,
    ),
    ...(named.length > 0
      ? [
          bullets(
            named.map(
              (m) => `${m.name}: ${m.questions} questions${m.streak > 0 ? `, a ${m.streak}-day streak` : ""}`,
            ),
          ),
        ]
      : []),
  ];
}
