/**
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
