import type { Transformer } from "grammy";
import { RateLimiterMemory, RateLimiterQueue } from "../../limits/limiters.ts";

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
const windowed = ({ points, seconds }: Bucket) =>
  new RateLimiterQueue(new RateLimiterMemory({ points, duration: seconds }));

/** One turn every `seconds / points`: the same rate, without bursts. */
const evenlySpaced = ({ points, seconds }: Bucket) =>
  new RateLimiterQueue(new RateLimiterMemory({ points: 1, duration: seconds / points }));

/**
 * A grammY API transformer that holds each counted call until both buckets allow it, so a fan-out
 * of nudges (or a burst of replies) waits its turn instead of being refused with 429. Waiting
 * callers go first come, first served; an aborted caller stops waiting.
 */
export function throttle(limits: ThrottleLimits = TELEGRAM_LIMITS): Transformer {
  // Overall, spaced evenly: bursts of 30 at each window's start could land within one second.
  const global = evenlySpaced(limits.global);
  // In a group, a burst (a reply and its follow-up question) should not keep people waiting.
  const groups = windowed(limits.group);
  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    if (!COUNTED.test(method) || chatId === undefined) return prev(method, payload, signal);
    // grammY types its signal with the abort-controller package; Node's own is the same at run time.
    const abort = signal as AbortSignal | undefined;
    // The group's own bucket first, so a busy group does not hold global turns while it waits.
    if (Number(chatId) < 0) await turn(groups.removeTokens(1, String(chatId)), abort);
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
