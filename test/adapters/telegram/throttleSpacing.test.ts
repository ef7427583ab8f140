import { afterEach, describe, expect, it, vi } from "vitest";
import { peakInWindow } from "../../../bench/stats.ts";
import { sendBudget, TELEGRAM_LIMITS } from "../../../src/adapters/telegram/throttle.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("Telegram send budget: spacing", () => {
  it("GIVEN 90 scheduled sends at once THEN they leave evenly spaced, never more than Telegram's 30 a second (+1 at a window's edge)", async () => {
    vi.useFakeTimers();
    const { scheduled } = sendBudget(TELEGRAM_LIMITS);
    const sent: number[] = [];
    const prev = async () => {
      sent.push(Date.now());
      return { ok: true as const, result: true };
    };
    const sends = Array.from({ length: 90 }, (_, i) =>
      // Private chats (positive ids): only the overall budget applies.
      scheduled(prev as never, "sendMessage", { chat_id: i + 1, text: "nudge" } as never, undefined),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(sends);
    expect(sent).toHaveLength(90);
    const gaps = sent.slice(1).map((at, i) => at - (sent[i] ?? 0));
    // Released in bursts, several would leave in the same millisecond (a queue freed at a window's start).
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(33);
    expect(peakInWindow(sent, 1000)).toBeLessThanOrEqual(31);
  });
});
