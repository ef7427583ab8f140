import type { RateLimit, RateVerdict } from "../core/ports.ts";
import { createBudget } from "./limiters.ts";

/** Commands a person may send in one window before being asked to slow down. */
export const COMMANDS_PER_WINDOW = 8;
export const WINDOW_SECONDS = 10;

/** Per-user command budget (in memory: a restart forgives everyone). */
export function createRateLimit(points = COMMANDS_PER_WINDOW, seconds = WINDOW_SECONDS): RateLimit {
  const budget = createBudget("commands", { points, seconds });
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
