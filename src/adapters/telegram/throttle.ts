import type { Transformer } from "grammy";
import { RateLimiterMemory, RateLimiterQueue } from "rate-limiter-flexible";

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

const queueOf = ({ points, seconds }: Bucket) =>
  new RateLimiterQueue(new RateLimiterMemory({ points, duration: seconds }));

/**
 * A grammY API transformer that holds each counted call until both buckets allow it, so a fan-out
 * of nudges (or a burst of replies) waits its turn instead of being refused with 429. Waiting
 * callers go first come, first served; an aborted caller stops waiting.
 */
export function throttle(limits: ThrottleLimits = TELEGRAM_LIMITS): Transformer {
  const global = queueOf(limits.global);
  const groups = queueOf(limits.group);
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
