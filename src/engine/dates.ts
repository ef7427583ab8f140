import { DateTime } from "luxon";
import { UserError } from "./errors.ts";
import type { Clock } from "./ports.ts";

/** Calendar days as YYYY-MM-DD; all date maths is done in UTC on whole days. */

const day = (iso: string): DateTime => DateTime.fromISO(iso, { zone: "utc" });

/** Today in the user's time zone (UTC when none is saved), as YYYY-MM-DD. */
export function todayIn(clock: Clock, timezone?: string): string {
  return DateTime.fromJSDate(clock.now(), { zone: timezone ?? "utc" }).toISODate() ?? "";
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(day(to).diff(day(from), "days").days);
}

export function addDays(iso: string, days: number): string {
  return day(iso).plus({ days }).toISODate() ?? iso;
}

export function addMonths(iso: string, months: number): string {
  return day(iso).plus({ months }).toISODate() ?? iso;
}

/** Whole calendar months from `from` to `to`, with the fraction: 2026-01-01 -> 2026-03-16 is about 2.5. */
export function monthsBetween(from: string, to: string): number {
  return day(to).diff(day(from), "months").months;
}

/** The earliest and latest of some YYYY-MM-DD days (they sort as text). */
export const earliestDay = (...days: [string, ...string[]]): string => days.sort()[0] ?? days[0];
export const latestDay = (...days: [string, ...string[]]): string => days.sort().at(-1) ?? days[0];

export function isValidTimezone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** An exam date must not be in the past: it is a user mistake, not something to plan around. */
export function requireNotPast(option: string, examDate: string, today: string): void {
  if (examDate < today) {
    throw new UserError(
      `\`${option}\` ${examDate} is in the past (today is ${today}). Give the date of an exam still ahead of you.`,
    );
  }
}
