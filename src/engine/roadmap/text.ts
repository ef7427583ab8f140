import { formatDay } from "../knowledge/knowledge.ts";
import { firstDay, type LocalWhen, lastDay, type Milestone, type MilestoneStatus } from "./roadmap.ts";

/** How milestones are said, the same in /roadmap, the calendar file and the nudges. */

const STATUS_TEXT: Record<MilestoneStatus, string> = {
  done: "Done",
  next: "Next",
  upcoming: "Upcoming",
  at_risk: "At risk",
  missed: "Missed",
};

export const milestoneStatusText = (status: MilestoneStatus): string => STATUS_TEXT[status];

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "Wed 1 March 2028", written out (Intl would map ICU data for one fixed English format). */
export function dayText(day: string): string {
  return `${WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]} ${formatDay(day)}`;
}

const localText = (when: LocalWhen, zone: string) =>
  `${dayText(when.day)}${when.time ? `, ${when.time}${zone}` : ""}`;

/**
 * The milestone's day (and local time, followed by `zone` when given), or its window, with the
 * official wording of a deadline.
 */
export function whenText(milestone: Pick<Milestone, "when">, zone?: string): string {
  const { when } = milestone;
  const named = zone ? ` ${zone}` : "";
  if ("from" in when) return `from ${localText(when.from, named)} to ${localText(when.to, named)}`;
  return `${localText(when, named)}${when.official ? ` (officially ${when.official})` : ""}`;
}

/** "today", "tomorrow", "in 12 days", "under way" (a window already open) or "3 days ago". */
export function daysLeftText(milestone: Pick<Milestone, "when" | "daysLeft">, today: string): string {
  const { daysLeft } = milestone;
  if (daysLeft === 0) return "today";
  if (daysLeft === 1) return "tomorrow";
  if (daysLeft > 1) return `in ${daysLeft} days`;
  if (lastDay(milestone) >= today && firstDay(milestone) < today)
    return `under way, until ${formatDay(lastDay(milestone))}`;
  return daysLeft === -1 ? "yesterday" : `${-daysLeft} days ago`;
}
