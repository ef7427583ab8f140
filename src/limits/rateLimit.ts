import type { RateLimit, RateVerdict } from "../core/ports.ts";
import { createBudget, inMemory, type LimiterFactory } from "./limiters.ts";

/** Commands a person may send in one window before being asked to slow down. */
export const COMMANDS_PER_WINDOW = 8;
export const WINDOW_SECONDS = 10;
/** The per-user limiter's name: its keys are `commands:<user id>` (a database's /forget deletes them). */
export const COMMANDS_LIMITER = "commands";

/**
 * Per-user command budget: in memory by default (a restart forgives everyone), or through `make` in
 * the database, so a person's budget holds across every process.
 */
export function createRateLimit(
  points = COMMANDS_PER_WINDOW,
  seconds = WINDOW_SECONDS,
  make: LimiterFactory = inMemory,
): RateLimit {
  const budget = createBudget(COMMANDS_LIMITER, { points, seconds }, make);
  return {
    async take(userId: string): Promise<RateVerdict> {
      const { left, retryAfterMs } = await budget.spend(userId);
      if (left >= 0) return { ok: true };
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
        // Only the first refusal in a window is answered, so a flood does not get a flood back.
        firstRefusal: left === -1,
      };
    },
  };
}
