import { createRequire } from "node:module";
import type { DateTime } from "luxon";
import { UserError } from "./errors.ts";
import type { Clock } from "./ports.ts";
import { clip } from "./text.ts";

/** Calendar days as YYYY-MM-DD; all date maths is done in UTC on whole days. */

/** CommonJS packages loaded on first use, synchronously. */
const load = createRequire(import.meta.url);

type Luxon = typeof import("luxon");
let loaded: Luxon | undefined;

/**
 * luxon, loaded on first use (its CommonJS build, so synchronously). Answering questions needs
 * only UTC days, read straight off the instant; luxon's half megabyte of code, and the ICU data
 * any of its DateTimes maps into the process (about 6 MB), wait until a command works with dates.
 */
export const luxon = (): Luxon => {
  loaded ??= load("luxon") as Luxon;
  return loaded;
};

const day = (iso: string): DateTime => luxon().DateTime.fromISO(iso, { zone: "utc" });

/** The local calendar day of an instant in a zone, as YYYY-MM-DD. */
export const dayIn = (at: Date, zone: string): string =>
  zone.toLowerCase() === "utc"
    ? at.toISOString().slice(0, 10)
    : (luxon().DateTime.fromJSDate(at, { zone }).toISODate() ?? "");

/** Today in the user's time zone (UTC when none is saved), as YYYY-MM-DD. */
export function todayIn(clock: Clock, timezone?: string): string {
  return dayIn(clock.now(), timezone ?? "utc");
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(day(to).diff(day(from), "days").days);
}

/** The day `days` after `iso`. Plain UTC arithmetic: the nudge scheduler calls this per subscription per day. */
export function addDays(iso: string, days: number): string {
  const [year = 0, month = 1, date = 1] = iso.split("-").map(Number);
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, date + days); // not Date.UTC, which reads years 0-99 as 19xx
  return at.toISOString().slice(0, 10);
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

// Current IANA names (Asia/Kolkata, Europe/Kyiv): Node 20's own list still has the old spellings.
// Only the names file: the package's index carries every zone's cities and offsets too, which a
// running bot would keep in memory for nothing.
const ZONES: readonly string[] = load("@vvo/tzdb/time-zones-names.json");

/** The IANA name as the zone list spells it, or a UserError naming the closest valid one. */
export function checkTimeZone(name: string): string {
  const listed = ZONES.find((zone) => zone.toLowerCase() === name.toLowerCase());
  if (listed) return listed;
  // UTC and older aliases (Asia/Calcutta, US/Eastern) are valid but not listed: keep them as typed.
  if (luxon().IANAZone.isValidZone(name)) return name;
  // Loaded here, on a mistyped zone only: it keeps a 256 KB table in memory from the moment it loads.
  const { closest } = load("fastest-levenshtein") as typeof import("fastest-levenshtein");
  const guess = closest(name.replace(/ /g, "_"), ZONES);
  throw new UserError(
    `"${clip(name, 41)}" is not a time zone name. Use an IANA name such as Asia/Kolkata or America/New_York${guess ? `; did you mean ${guess}?` : "."}`,
  );
}

/** An exam date must not be in the past: it is a user mistake, not something to plan around. */
export function requireNotPast(option: string, examDate: string, today: string): void {
  if (examDate < today) {
    throw new UserError(
      `\`${option}\` ${examDate} is in the past (today is ${today}). Give the date of an exam still ahead of you.`,
    );
  }
}
