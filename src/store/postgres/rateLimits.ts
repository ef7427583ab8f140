import RateLimiterPostgres from "rate-limiter-flexible/lib/RateLimiterPostgres.js";
import { inMemory, type LimiterFactory } from "../../limits/limiters.ts";
import type { Database } from "./database.ts";

/** The table migration 002 creates. */
export const RATE_LIMITS_TABLE = "rate_limits";

/** PostgreSQL keeps a window's end as whole milliseconds (bigint); a budget of 30 a second has 33.3 ms windows. */
class WholeMillisecondLimiter extends RateLimiterPostgres {
  override get msDuration(): number {
    return Math.ceil(this.duration * 1000);
  }
}

/**
 * Budgets kept in the database (rate-limiter-flexible's RateLimiterPostgres), so every process
 * sharing it draws on one: a person's commands, Telegram's 30 a second and 20 a minute per group.
 * Should the database fail, each process goes on limiting in its own memory until it is back.
 */
export function postgresLimiters(db: Database): LimiterFactory {
  return (name, points, seconds) =>
    new WholeMillisecondLimiter({
      storeClient: db.pool,
      storeType: "pool",
      tableName: RATE_LIMITS_TABLE,
      tableCreated: true,
      keyPrefix: name,
      points,
      duration: seconds,
      insuranceLimiter: inMemory(name, points, seconds),
    });
}
