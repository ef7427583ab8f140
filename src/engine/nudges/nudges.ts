import { addDays, dayIn, daysBetween, luxon } from "../../core/dates.ts";
import { UserError } from "../../core/errors.ts";
import type { Subscription } from "../../core/records.ts";
import { bullets, paragraph, type Reply, reply } from "../../core/reply.ts";
import type { Settled } from "../../core/repositories.ts";
import type { Entry, KnowledgeBase } from "../knowledge/knowledge.ts";
import { buildPlan, type Plan } from "../plans/plans.ts";
import { type GroupWeek, weekBlocks } from "../progress/week.ts";
import { milestoneMention, milestonesShown } from "./milestones.ts";

/** A nudge missed while the bot was down is still sent if it is back this soon, the same local day. */
export const CATCH_UP_HOURS = 3;

/**
 * When `time` (HH:MM) happens on local `day` in `zone`. A time that spring-forward skips moves
 * forward by the gap (02:30 -> 03:30), so that day still gets its nudge; an hour repeated by
 * fall-back resolves to one instant, so it never fires twice. Where the gap crosses midnight
 * (America/Nuuk, 2026-03-28: 23:00 -> 00:00), moving forward would leave the day, so the time
 * becomes the day's last minute before the gap instead.
 */
export function dueAt(day: string, time: string, zone: string): Date {
  const [year, month, date] = day.split("-").map(Number);
  const [hour, minute] = time.split(":").map(Number);
  const { DateTime } = luxon();
  const at = DateTime.fromObject({ year, month, day: date, hour, minute }, { zone });
  if (at.toISODate() === day) return at.toJSDate();
  return DateTime.fromISO(addDays(day, 1), { zone }).startOf("day").minus({ minutes: 1 }).toJSDate();
}

export interface Slot {
  next_day: string;
  next_at: string;
}

/** The first slot on or after `fromDay` whose time is later than `after`. */
export function nextSlot(fromDay: string, time: string, zone: string, after: Date): Slot {
  let day = fromDay;
  let at = dueAt(day, time, zone);
  while (at <= after) {
    day = addDays(day, 1);
    at = dueAt(day, time, zone);
  }
  return { next_day: day, next_at: at.toISOString() };
}

export type Decision =
  | { action: "wait" }
  | { action: "send"; day: string; closing: boolean }
  | { action: "skip"; day: string };

/**
 * What to do with a subscription at `now`: send its slot (on time, or late within the catch-up
 * window on the same local day), skip a slot missed for good, or wait. Pure: the scheduler applies it
 * (and holds back nudges to chats that cannot be reached).
 */
export function decide(sub: Subscription, now: Date): Decision {
  if (sub.ended_on || new Date(sub.next_at) > now) return { action: "wait" };
  const day = sub.next_day;
  if (sub.last_sent_day !== undefined && sub.last_sent_day >= day) return { action: "skip", day };
  const late = now.getTime() - new Date(sub.next_at).getTime();
  if (late > CATCH_UP_HOURS * 3_600_000 || dayIn(now, sub.timezone) !== day) return { action: "skip", day };
  return { action: "send", day, closing: sub.exam_date !== undefined && day > sub.exam_date };
}

/**
 * The subscription after its slot for `day` was handled (sent or skipped). The next slot is the
 * first one not yet missed for good, so after a long outage today's nudge can still go out late.
 */
export function afterSlot(sub: Subscription, day: string, sent: boolean, now: Date): Subscription {
  const missedBefore = new Date(now.getTime() - CATCH_UP_HOURS * 3_600_000);
  const next = nextSlot(addDays(day, 1), sub.time, sub.timezone, missedBefore);
  return { ...sub, ...next, ...(sent ? { last_sent_day: day } : {}) };
}

/**
 * What a due subscription becomes at `now`, decided while the nudge queue holds it: missed slots
 * are skipped until one can be sent (marked sent, its tip marked shown, or ended after the closing
 * message) or the next one lies ahead. Pure; the queue saves `next` before anything is sent.
 */
export function settleSlot(knowledge: KnowledgeBase, key: string, sub: Subscription, now: Date): Settled {
  let current = sub;
  for (;;) {
    const decision = decide(current, now);
    if (decision.action === "wait") return { next: current };
    if (decision.action === "skip") {
      current = afterSlot(current, decision.day, false, now);
      continue;
    }
    const { day } = decision;
    const sent = afterSlot(current, day, true, now);
    if (decision.closing) return { next: { ...sent, ended_on: day }, send: { day, slot: current } };
    // The season line is decided here too, from the same slot composeNudge will read.
    const mention = milestoneMention(knowledge, current, day, new Date(current.next_at));
    const shown = milestonesShown(current, mention, day);
    const next = {
      ...sent,
      shown_tips: pickTip(knowledge, key, current.shown_tips).shown,
      ...(shown ? { milestones_shown: shown } : {}),
    };
    return { next, send: { day, slot: current } };
  }
}

/** Stable per-subscription order, so groups do not all get the same tip on the same day. */
function rank(key: string, id: string): number {
  let hash = 2166136261;
  for (const ch of `${key}|${id}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
  return hash >>> 0;
}

/** The next tip not yet shown to this subscription; starts a new round once all were shown. */
export function pickTip(
  knowledge: KnowledgeBase,
  key: string,
  shown: readonly string[],
): { tip: Entry; shown: string[] } {
  const tips = knowledge.entries.filter((entry) => entry.nudge);
  const fresh = tips.filter((entry) => !shown.includes(entry.id));
  const pool = fresh.length > 0 ? fresh : tips;
  const [tip] = [...pool].sort((a, b) => rank(key, a.id) - rank(key, b.id));
  if (!tip) throw new Error("knowledge: no entry has a nudge tip");
  return { tip, shown: fresh.length > 0 ? [...shown, tip.id] : [tip.id] };
}

/**
 * Today's question volume from the study plan that fitted the time left when the nudge started
 * (the plan /plan gives), so the phase moves on as the exam nears.
 */
function todaysVolume(knowledge: KnowledgeBase, sub: Subscription, day: string): string | undefined {
  if (sub.exam_date === undefined || day >= sub.exam_date) return undefined;
  let plan: Plan;
  try {
    plan = buildPlan({ exam: sub.exam, examDate: sub.exam_date, today: sub.started_day }, knowledge);
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
  if (day < plan.startsOn)
    return `The study plan for this exam date starts on ${plan.startsOn}; until then, keep a steady review habit.`;
  const phase = plan.phases.find((p) => p.from <= day && day <= p.to);
  if (!phase) return undefined;
  const { min, max } = phase.questions_per_day;
  return `Today's volume (${phase.name} phase of the plan): ${min}-${max} questions, ${phase.mode}.`;
}

export interface NudgeContent {
  reply: Reply;
  shown: string[];
}

/**
 * The day's nudge: a rotating tip, the countdown, once a week a practice-test reminder, for a chat
 * that follows a Match a line about the season's next milestone (milestones.ts), and on a group's
 * summary day its members' shared week (`week`, which the caller loads: see progress/week.ts).
 */
export function composeNudge(
  knowledge: KnowledgeBase,
  key: string,
  sub: Subscription,
  day: string,
  week?: GroupWeek,
): NudgeContent {
  if (sub.exam_date !== undefined && day > sub.exam_date) {
    return {
      reply: reply({
        title: "Study nudges end here",
        blocks: [
          paragraph(
            `The exam date set for these nudges (${sub.exam_date}) has passed, so this is the last one. Well done for keeping at it. Rest, then plan what comes next; /nudge start with a new exam_date begins again.`,
          ),
        ],
        data: { closing: true },
      }),
      shown: sub.shown_tips,
    };
  }
  const { tip, shown } = pickTip(knowledge, key, sub.shown_tips);
  const lines: string[] = [];
  if (sub.exam_date !== undefined) {
    const left = daysBetween(day, sub.exam_date);
    lines.push(left === 0 ? "Exam day. Trust your preparation, and good luck." : `${left} days to the exam.`);
  }
  const volume = todaysVolume(knowledge, sub, day);
  if (volume) lines.push(volume);
  const mention = milestoneMention(knowledge, sub, day, new Date(sub.next_at));
  if (mention) lines.push(mention.line);
  const { DateTime } = luxon();
  const weekly = DateTime.fromISO(day).weekday === DateTime.fromISO(sub.started_day).weekday;
  if (weekly)
    lines.push(
      "Weekly check: is a practice test (NBME or UWSA) on your calendar? Log results with /score add.",
    );
  return {
    reply: reply({
      title: "Today's study nudge",
      blocks: [
        paragraph(tip.nudge ?? ""),
        ...(lines.length > 0 ? [bullets(lines)] : []),
        ...(week ? weekBlocks(week) : []),
      ],
      footer: { note: `More on this: /ask ${tip.title}` },
      data: {
        tip: tip.id,
        day,
        weekly,
        ...(week ? { group_week: week } : {}),
        ...(sub.exam_date ? { days_left: daysBetween(day, sub.exam_date) } : {}),
        ...(mention
          ? {
              milestone: {
                season: mention.season,
                ids: mention.milestones.map((m) => m.id),
                days_left: mention.daysLeft,
                estimated: mention.milestones.some((m) => m.estimated),
              },
            }
          : {}),
      },
    }),
    shown,
  };
}
