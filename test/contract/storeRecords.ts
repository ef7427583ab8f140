import { addDays } from "../../src/core/dates.ts";
import type { Subscription } from "../../src/core/records.ts";
import type { Settle } from "../../src/core/repositories.ts";

/** Records the repository contract writes. */

export const T1 = new Date("2026-06-01T08:00:00.000Z");
export const T2 = new Date("2026-06-02T09:30:00.000Z");

/** A group's nudge due at `next_at` (an ISO instant with milliseconds, as stored). */
export const nudgeAt = (next_at: string, extra: Partial<Subscription> = {}): Subscription => ({
  chat_kind: "group",
  time: next_at.slice(11, 16),
  timezone: "UTC",
  exam: "step2ck",
  started_day: next_at.slice(0, 10),
  next_day: next_at.slice(0, 10),
  next_at,
  shown_tips: [],
  ...extra,
});

/** A plain settle (the scheduler's uses the engine): send the due day, and the next slot a day later. */
export const sendDay: Settle = (_address, due) => ({
  next: {
    ...due,
    last_sent_day: due.next_day,
    next_day: addDays(due.next_day, 1),
    next_at: new Date(Date.parse(due.next_at) + 86_400_000).toISOString(),
    shown_tips: [...due.shown_tips, `tip-${due.next_day}`],
  },
  send: { day: due.next_day, slot: due },
});

export const score = (test: string, value: number) => ({
  exam: "step2ck" as const,
  test,
  kind: "scaled" as const,
  value,
  date: "2026-05-30",
  added_at: T1.toISOString(),
});

/** A study session of `questions` on `date`, logged at T1. */
export const session = (date: string, questions: number, correct?: number) => ({
  date,
  questions,
  ...(correct === undefined ? {} : { correct }),
  added_at: T1.toISOString(),
});
