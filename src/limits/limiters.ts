/**
 * Every budget Stepwise keeps (a person's commands, Telegram's send limits) is made here, on
 * rate-limiter-flexible, so moving them to a store shared by several processes is one change.
 *
 * rate-limiter-flexible's index loads every backend it supports (Redis, Mongo, SQL, DynamoDB,
 * cluster...), about 9 MB of memory in a running bot; only the limiters used are loaded, each on
 * its own (types: rateLimiterFlexible.d.ts). The PostgreSQL one is loaded by the store that owns
 * its table (src/store/postgres/rateLimits.ts).
 */
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import RateLimiterMemory from "rate-limiter-flexible/lib/RateLimiterMemory.js";
import RateLimiterQueue from "rate-limiter-flexible/lib/RateLimiterQueue.js";
import RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes.js";

export { RateLimiterMemory, RateLimiterQueue, RateLimiterRes };

/**
 * Makes a limiter of `points` per `seconds` whose keys are prefixed with `name`: in this process's
 * memory, or kept in the database so that every process sharing it draws on one budget.
 */
export type LimiterFactory = (name: string, points: number, seconds: number) => RateLimiterAbstract;

/** Budgets of this process alone (one process per data file, or tests). */
export const inMemory: LimiterFactory = (name, points, seconds) =>
  new RateLimiterMemory({ keyPrefix: name, points, duration: seconds });

/** At most `points` uses in a window of `seconds`, counted from the window's first use. */
export interface Bucket {
  points: number;
  seconds: number;
}

/** One use of a budget. */
export interface Spent {
  /** Uses left in this window: 0 after the last one allowed, negative once over (-1: the first over). */
  left: number;
  /** When the window ends and the budget is full again. */
  retryAfterMs: number;
}

/** A budget per key (a person, a chat), in windows of the bucket's size. */
export interface Budget {
  /** Uses one point now, allowed or not: `left` says which. */
  spend(key: string): Promise<Spent>;
  /** Waits for a point, first come, first served; rejects with the signal's reason once it aborts. */
  wait(key: string, signal?: AbortSignal): Promise<void>;
}

/** A budget named `name` (keys of different budgets never mix), kept where `make` keeps it. */
export function createBudget(
  name: string,
  { points, seconds }: Bucket,
  make: LimiterFactory = inMemory,
): Budget {
  const limiter = make(name, points, seconds);
  const queue = new RateLimiterQueue(limiter);
  return {
    async spend(key) {
      try {
        const used = await limiter.consume(key);
        return { left: used.remainingPoints, retryAfterMs: used.msBeforeNext };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { left: points - rejection.consumedPoints, retryAfterMs: rejection.msBeforeNext };
      }
    },
    wait: (key, signal) => abortable(queue.removeTokens(1, key), signal),
  };
}

/** Waits for a queued turn, or rejects as soon as `signal` aborts. */
async function abortable(queued: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) {
    await queued;
    return;
  }
  // The turn may still come after an abort; nobody waits for it then.
  queued.catch(() => undefined);
  signal.throwIfAborted();
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
