import { addDays, dayIn, daysBetween, latestDay } from "../../core/dates.ts";
import { UserError } from "../../core/errors.ts";
import type { Exam, Profile, StudySession } from "../../core/records.ts";

/**
 * The study log read as days: totals per local day, streaks and recent windows. Sessions carry the
 * local day they were logged on (the user's zone at the time), and all arithmetic here is on those
 * calendar days, never on instants: a daylight-saving change or a move to another zone cannot
 * split a day or count one twice.
 */

export interface DayTotal {
  questions: number;
  /** Right answers, among the `judged` questions of sessions that said how many were right. */
  correct: number;
  judged: number;
}

/** Questions and right answers per local day (several sessions on a day add up), days in order. */
export function dailyTotals(sessions: readonly StudySession[]): Map<string, DayTotal> {
  const days = new Map<string, DayTotal>();
  for (const session of [...sessions].sort((a, b) => a.date.localeCompare(b.date))) {
    const day = days.get(session.date) ?? { questions: 0, correct: 0, judged: 0 };
    day.questions += session.questions;
    if (session.correct !== undefined) {
      day.correct += session.correct;
      day.judged += session.questions;
    }
    days.set(session.date, day);
  }
  return days;
}

/** Sessions that count for an exam: those logged for it and those logged for no exam in particular. */
export const sessionsFor = (sessions: readonly StudySession[], exam: Exam): StudySession[] =>
  sessions.filter((s) => s.exam === undefined || s.exam === exam);

/**
 * The day "now" is, for the log: today, or a later logged day. After a move west (Kolkata to New
 * York) the last session's day can be "tomorrow" in the new zone; it still ends the streak and the
 * windows, so the move neither breaks a streak nor drops that session from the last 7 days.
 */
export function logToday(days: ReadonlyMap<string, DayTotal>, today: string): string {
  const last = [...days.keys()].at(-1);
  return last === undefined ? today : latestDay(today, last);
}

export interface Run {
  days: number;
  from: string;
  to: string;
}

export interface Streaks {
  /** Days in a row with logged questions, ending today or yesterday (today is not over yet). */
  current: Run | undefined;
  longest: Run | undefined;
}

/** The current and the longest run of consecutive local days with logged questions. */
export function streaksOf(days: ReadonlyMap<string, DayTotal>, today: string): Streaks {
  const logged = [...days.keys()];
  let longest: Run | undefined;
  let run: Run | undefined;
  for (const day of logged) {
    run =
      run && addDays(run.to, 1) === day
        ? { ...run, days: run.days + 1, to: day }
        : { days: 1, from: day, to: day };
    if (!longest || run.days > longest.days) longest = run;
  }
  const end = logToday(days, today);
  const current = run && daysBetween(run.to, end) <= 1 ? run : undefined;
  return { current, longest };
}

export interface Window {
  days: number;
  questions: number;
  /** Percent right of the questions whose sessions said how many were right; undefined when none did. */
  percentCorrect: number | undefined;
  judged: number;
}

/** Totals of the `length` days ending `today` (as logToday reads it). */
export function windowOf(days: ReadonlyMap<string, DayTotal>, today: string, length: number): Window {
  const end = logToday(days, today);
  const from = addDays(end, -(length - 1));
  let questions = 0;
  let correct = 0;
  let judged = 0;
  for (const [day, total] of days) {
    if (day < from || day > end) continue;
    questions += total.questions;
    correct += total.correct;
    judged += total.judged;
  }
  return {
    days: length,
    questions,
    judged,
    percentCorrect: judged > 0 ? Math.round((correct / judged) * 100) : undefined,
  };
}

/**
 * The average questions a day over the `length` days ending each day from `from` to `to`. Days
 * before the log's first day are not counted as days of nothing: a log started five days ago
 * averages over those five, so the line does not climb from zero for a week.
 */
export function rollingAverage(
  days: ReadonlyMap<string, DayTotal>,
  from: string,
  to: string,
  length = 7,
): Array<{ day: string; average: number }> {
  const first = [...days.keys()].reduce((a, b) => (b < a ? b : a), to);
  const out: Array<{ day: string; average: number }> = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    let sum = 0;
    let counted = 0;
    for (let back = 0; back < length; back++) {
      const past = addDays(day, -back);
      if (past < first) break;
      sum += days.get(past)?.questions ?? 0;
      counted++;
    }
    out.push({ day, average: counted > 0 ? sum / counted : 0 });
  }
  return out;
}

export interface QbankLeft {
  /** Questions still to do: what was saved, less what was logged since. */
  left: number;
  saved: number;
  /** When the saved figure was given, as the user's local day. */
  asOfDay: string;
  loggedSince: number;
}

/**
 * The question bank still to do: the figure saved with /profile or /plan, less the questions logged
 * afterwards (sessions added after it was saved, for days on or after the day it was saved; a session
 * back-dated to earlier was already part of the figure).
 */
export function qbankLeft(
  qbank: Profile["qbank"],
  sessions: readonly StudySession[],
  zone: string,
): QbankLeft | undefined {
  if (!qbank) return undefined;
  const asOfDay = dayIn(new Date(qbank.as_of), zone);
  const loggedSince = sessions
    .filter((s) => s.added_at > qbank.as_of && s.date >= asOfDay)
    .reduce((sum, s) => sum + s.questions, 0);
  return { left: Math.max(0, qbank.left - loggedSince), saved: qbank.left, asOfDay, loggedSince };
}

/** All questions logged, and the first day logged (any exam). */
export function loggedSoFar(sessions: readonly StudySession[]): { questions: number; since?: string } {
  const questions = sessions.reduce((sum, s) => sum + s.questions, 0);
  const since = sessions.map((s) => s.date).sort()[0];
  return since === undefined ? { questions } : { questions, since };
}

/**
 * The zone the log's days are counted in: the profile's. Without one, a day could end at the wrong
 * hour and break a streak, so logging waits until it is set.
 */
export function logZone(profile: Profile): string {
  if (profile.timezone) return profile.timezone;
  throw new UserError(
    "Your study log counts your own days, so I need your time zone first: /profile set timezone:<Area/City> (for example Asia/Kolkata or America/New_York). Nothing was logged or changed.",
  );
}
