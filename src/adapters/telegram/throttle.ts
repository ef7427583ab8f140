import type { Transformer } from "grammy";
import { inMemory, type LimiterFactory, RateLimiterQueue } from "../../limits/limiters.ts";

/** At most `points` messages in any window of `seconds`. */
export interface Bucket {
  points: number;
  seconds: number;
}

export interface ThrottleLimits {
  /** Every message the bot sends, in all chats together. */
  global: Bucket;
  /** Messages to one group (negative chat ids). */
  group: Bucket;
}

/**
 * Telegram's limits for bots (core.telegram.org/bots/faq, "My bot is hitting limits"): about 30
 * messages a second overall and 20 a minute in one group; beyond them it answers 429.
 */
export const TELEGRAM_LIMITS: ThrottleLimits = {
  global: { points: 30, seconds: 1 },
  group: { points: 20, seconds: 60 },
};

/** The calls those limits count: ones that post or change a message in a chat. */
const COUNTED = /^(send|edit|copy|forward)/;

/** Up to `points` turns at once, then none until the window has passed: bursts are allowed. */
const windowed = (name: string, { points, seconds }: Bucket, make: LimiterFactory) =>
  new RateLimiterQueue(make(name, points, seconds));

/** One turn every `seconds / points`: the same rate, without bursts. */
const evenlySpaced = (name: string, { points, seconds }: Bucket) =>
  new RateLimiterQueue(inMemory(name, 1, seconds / points));

/**
 * The same rate in windows a tenth as long (3 a tenth of a second for 30 a second): a budget shared
 * by several processes, none of which may spend a whole second's worth at once.
 */
function tenths({ points, seconds }: Bucket): Bucket {
  const slice = Math.max(1, Math.round(points / 10));
  return { points: slice, seconds: (seconds * slice) / points };
}

/**
 * A grammY API transformer that holds each counted call until both buckets allow it, so a fan-out
 * of nudges (or a burst of replies) waits its turn instead of being refused with 429. Waiting
 * callers go first come, first served; an aborted caller stops waiting. `make` keeps the budgets:
 * in memory, or in the database, shared by every process that sends with the bot's token.
 */
export function throttle(
  limits: ThrottleLimits = TELEGRAM_LIMITS,
  make: LimiterFactory = inMemory,
): Transformer {
  // Overall, spaced evenly in this process: bursts of 30 at each window's start could land within one second.
  const local = evenlySpaced("telegram-local", limits.global);
  // And the bot's one budget across processes (the same again when this process is the only one).
  const global = windowed("telegram-global", tenths(limits.global), make);
  // In a group, a burst (a reply and its follow-up question) should not keep people waiting.
  const groups = windowed("telegram-group", limits.group, make);
  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    if (!COUNTED.test(method) || chatId === undefined) return prev(method, payload, signal);
    // grammY types its signal with the abort-controller package; Node's own is the same at run time.
    const abort = signal as AbortSignal | undefined;
    // The group's own bucket first, so a busy group does not hold global turns while it waits.
    if (Number(chatId) < 0) await turn(groups.removeTokens(1, String(chatId)), abort);
    await turn(local.removeTokens(1), abort);
    await turn(global.removeTokens(1), abort);
    return prev(method, payload, signal);
  };
}

/** Waits for a queued turn, or rejects as soon as `signal` aborts. */
async function turn(queued: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) {
    await queued;
    return;
  }
  signal.throwIfAborted();
  // The turn may still come after an abort; nobody waits for it then.
  queued.catch(() => undefined);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([queued, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
