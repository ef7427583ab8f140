import type { RateLimit, RateVerdict } from "../core/ports.ts";
import { inMemory, type LimiterFactory, RateLimiterRes } from "./limiters.ts";

/** Commands a person may send in one window before being asked to slow down. */
export const COMMANDS_PER_WINDOW = 8;
export const WINDOW_SECONDS = 10;
/** The per-user limiter's name: its keys are `commands:<user id>` (a database's /forget deletes them). */
export const COMMANDS_LIMITER = "commands";

/**
 * Per-user command budget (rate-limiter-flexible): in memory by default (a restart forgives
 * everyone), or through `make` in the database, so a person's budget holds across every process.
 */
export function createRateLimit(
  points = COMMANDS_PER_WINDOW,
  seconds = WINDOW_SECONDS,
  make: LimiterFactory = inMemory,
): RateLimit {
  const limiter = make(COMMANDS_LIMITER, points, seconds);
  return {
    async take(userId: string): Promise<RateVerdict> {
      try {
        await limiter.consume(userId);
        return { ok: true };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          // Only the first refusal in a window is answered, so a flood does not get a flood back.
          firstRefusal: rejection.consumedPoints === points + 1,
        };
      }
    },
  };
}
