import type { RateLimit, RateVerdict } from "../core/ports.ts";
import { RateLimiterMemory, RateLimiterRes } from "./limiters.ts";

/** Commands a person may send in one window before being asked to slow down. */
export const COMMANDS_PER_WINDOW = 8;
export const WINDOW_SECONDS = 10;

/** Per-user command budget (rate-limiter-flexible, in memory: a restart forgives everyone). */
export function createRateLimit(points = COMMANDS_PER_WINDOW, seconds = WINDOW_SECONDS): RateLimit {
  const limiter = new RateLimiterMemory({ points, duration: seconds });
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
