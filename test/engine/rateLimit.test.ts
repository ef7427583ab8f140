import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runText } from "../../src/core/dispatch.ts";
import { createRateLimit } from "../../src/limits/rateLimit.ts";
import { testContext } from "../helpers.ts";

describe("per-user rate limit", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-25T12:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("GIVEN 8 commands in 10 s THEN the 9th gets one polite answer, the rest are silent, and later it works again", async () => {
    const base = await testContext({ limits: createRateLimit(8, 10) });
    const alice = {
      ...base,
      caller: { ...base.caller, platform: "telegram" as const, userId: "telegram:1" },
    };
    const bob = { ...base, caller: { ...base.caller, platform: "telegram" as const, userId: "telegram:2" } };
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await runText("/about", alice));
    expect(results.slice(0, 8).every((r) => r?.ok)).toBe(true);
    expect(results[8]?.ok).toBe(false);
    expect(results[8]?.silent).toBe(false);
    expect(String(results[8]?.reply.data.error)).toMatch(/Please wait \d+ s/);
    expect(results.slice(9).every((r) => r?.silent)).toBe(true);
    expect((await runText("/about", bob))?.ok).toBe(true);
    vi.advanceTimersByTime(10_001);
    expect((await runText("/about", alice))?.ok).toBe(true);
  });
});
