import { daysBetween } from "../../core/dates.ts";
import type { Subscription } from "../../core/records.ts";
import type { KnowledgeBase } from "../knowledge/knowledge.ts";
import { buildRoadmap, firstDay, type Milestone } from "../roadmap/roadmap.ts";
import { daysLeftText, whenText } from "../roadmap/text.ts";

/**
 * The season line of a daily nudge: a chat that follows a Match (`/nudge start ... match:2028`)
 * hears about the season's next milestone once it is within MILESTONE_HORIZON_DAYS, at most once in
 * MILESTONE_REPEAT_DAYS per milestone, and again the day before and the day of it. The milestones
 * are the season's shared calendar (events for everyone): a group has no one profile, and the
 * personal ones (exam results, visa steps) are in /roadmap.
 */

export const MILESTONE_HORIZON_DAYS = 30;
export const MILESTONE_REPEAT_DAYS = 7;

/** The next milestone(s) a nudge mentions: those sharing the season's next day, in the chat's zone. */
export interface MilestoneMention {
  season: number;
  milestones: Milestone[];
  /** Local days until it. */
  daysLeft: number;
  line: string;
}

const calendars = new WeakMap<KnowledgeBase, Map<string, Milestone[]>>();

/**
 * The season's calendar events in a zone, in date order. Their days, titles and actions do not
 * depend on the day (statuses, days left and rules do, and the line computes or omits them), so each
 * season and zone is built once, at an arbitrary instant: a tick settles many nudges, and building a
 * roadmap costs about a millisecond.
 */
function seasonCalendar(knowledge: KnowledgeBase, season: number, zone: string): Milestone[] {
  let built = calendars.get(knowledge);
  if (!built) {
    built = new Map();
    calendars.set(knowledge, built);
  }
  const key = `${season}|${zone}`;
  let events = built.get(key);
  if (!events) {
    const map = buildRoadmap(knowledge, { profile: { exam_dates: {} }, now: new Date(0), zone, season });
    events = map.milestones.filter((m) => m.kind === "event" && m.applies === "everyone");
    built.set(key, events);
  }
  return events;
}

/** Still ahead of the nudge: a timed deadline after the nudge's moment, an all-day one from its day on. */
function ahead(milestone: Milestone, day: string, at: Date): boolean {
  const first = "from" in milestone.when ? milestone.when.from : milestone.when;
  return first.at ? first.at > at : first.day >= day;
}

/** Whether a milestone is due a mention on `day`, given when it was last mentioned. */
function due(sub: Subscription, milestone: Milestone, daysLeft: number, day: string): boolean {
  if (daysLeft <= 1) return true;
  const last = sub.milestones_shown?.[milestone.id];
  return last === undefined || daysBetween(last, day) >= MILESTONE_REPEAT_DAYS;
}

/**
 * What the nudge of local `day`, sent at `at`, says about the season, if anything. Pure: the claim
 * that marks the day sent records it (milestonesShown) and the nudge shows it, from the same slot.
 */
export function milestoneMention(
  knowledge: KnowledgeBase,
  sub: Subscription,
  day: string,
  at: Date,
): MilestoneMention | undefined {
  if (sub.match === undefined) return undefined;
  const calendar = seasonCalendar(knowledge, sub.match, sub.timezone);
  const next = calendar.find((m) => ahead(m, day, at));
  if (!next) return undefined;
  const daysLeft = daysBetween(day, firstDay(next));
  if (daysLeft > MILESTONE_HORIZON_DAYS) return undefined;
  // Deadlines at the same moment (the rank list and ECFMG's exam check) are one line.
  const together = calendar.filter((m) => firstDay(m) === firstDay(next) && whenText(m) === whenText(next));
  if (!together.some((m) => due(sub, m, daysLeft, day))) return undefined;
  const titles = together.map((m) => m.title).join("; ");
  const estimated = together.some((m) => m.estimated) ? " (estimated date)" : "";
  const action = together.length === 1 ? ` ${next.line}` : "";
  const line = `${sub.match} Match: ${titles}, ${whenText(next, sub.timezone)}, ${daysLeftText({ ...next, daysLeft }, day)}${estimated}.${action}`;
  return { season: sub.match, milestones: together, daysLeft, line };
}

/** The subscription's memory after a nudge that carried `mention`. */
export function milestonesShown(sub: Subscription, mention: MilestoneMention | undefined, day: string) {
  if (!mention) return sub.milestones_shown;
  const shown = { ...sub.milestones_shown };
  for (const milestone of mention.milestones) shown[milestone.id] = day;
  return shown;
}
