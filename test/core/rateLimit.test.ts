import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { plainTextCommand } from "../../commands/index.ts";
import { createCore, type Inbound } from "../../src/core/handle.ts";
import { createRateLimit } from "../../src/limits/rateLimit.ts";
import { respond, testContext } from "../helpers.ts";

describe("per-user rate limit", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-25T12:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("GIVEN 8 commands in 10 s THEN the 9th gets one polite answer, the rest are silent, and later it works again", async () => {
    const base = await testContext({ limits: createRateLimit(8, 10) });
    const alice = { ...base, caller: { ...base.caller, userId: "chat:1" } };
    const bob = { ...base, caller: { ...base.caller, userId: "chat:2" } };
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await respond("/about", alice));
    expect(results.slice(0, 8).every((r) => r.kind === "reply" && r.ok)).toBe(true);
    const refusal = results[8];
    expect(refusal).toMatchObject({ kind: "reply", ok: false, to: "sender", refusal: "rate_limit" });
    expect(refusal?.kind === "reply" && String(refusal.reply.data.error)).toMatch(/Please wait \d+ s/);
    expect(results.slice(9).map((r) => r.kind)).toEqual(["silent", "silent"]);
    expect(await respond("/about", bob)).toMatchObject({ kind: "reply", ok: true });
    vi.advanceTimersByTime(10_001);
    expect(await respond("/about", alice)).toMatchObject({ kind: "reply", ok: true });
  });

  it("GIVEN a flood of unknown commands and invalid options THEN they count too: one refusal, then silence", async () => {
    const base = await testContext({ limits: createRateLimit(2, 10) });
    const lines = ["/nope", "/score add exam:step9", "/weather", "/about", "hello there"];
    const kinds = [];
    for (const line of lines) kinds.push((await respond(line, base)).kind);
    expect(kinds).toEqual(["reply", "reply", "reply", "silent", "silent"]);
    const third = await respond("/about", base);
    expect(third.kind).toBe("silent");
  });

  it("GIVEN events counted on arrival (admit) THEN handling them does not count them again, and what is not for the bot is never counted", async () => {
    const { services, commands, caller } = await testContext({ limits: createRateLimit(2, 10) });
    const core = createCore(services, commands, { plainText: plainTextCommand });
    const event = (text: string, addressed = true): Inbound => ({
      via: "test",
      requestId: "r",
      caller: { ...caller, chatKind: "group" },
      input: { kind: "text", text },
      addressed,
    });
    // Chatter in a group and another bot's command: not for this bot, not counted.
    expect(await core.admit(event("see you all tomorrow", false))).toEqual({ kind: "ignored" });
    expect(await core.admit(event("/weather", false))).toEqual({ kind: "ignored" });
    expect(await core.admit(event("/about"))).toBeUndefined();
    expect(await core.admit({ ...event(""), input: { kind: "answer" } })).toBeUndefined();
    expect(await core.handle({ ...event("/about"), admitted: true })).toMatchObject({
      kind: "reply",
      ok: true,
    });
    expect(await core.admit(event("/about"))).toMatchObject({ kind: "reply", refusal: "rate_limit" });
    expect(await core.admit(event("/about"))).toMatchObject({ kind: "silent", refusal: "rate_limit" });
  });
});
