import { describe, expect, it } from "vitest";
import { memoryContext, runLine, testContext } from "../helpers.ts";

async function run(line: string, caller: Partial<Awaited<ReturnType<typeof testContext>>["caller"]> = {}) {
  const { ctx, document } = await memoryContext();
  const outcome = await runLine(line, { ...ctx, caller: { ...ctx.caller, ...caller } });
  return { outcome, store: document };
}

describe("/nudge", () => {
  it("GIVEN a misspelt time zone THEN it names the closest valid one and stores nothing", async () => {
    const { outcome, store } = await run("/nudge start time:07:30 timezone:Asia/Kolkatta");
    expect(outcome.ok).toBe(false);
    expect(String(outcome.reply.data.error)).toContain("did you mean Asia/Kolkata?");
    expect(store.read().subscriptions).toEqual({});
  });

  it("GIVEN a time zone in another case and a short hour THEN both are normalised", async () => {
    const { outcome } = await run("/nudge start time:7:30 timezone:asia/kolkata");
    expect(outcome.ok).toBe(true);
    expect(outcome.reply.data).toMatchObject({
      timezone: "Asia/Kolkata",
      next_at: "2026-11-26T02:00:00.000Z",
    });
  });

  it("GIVEN an exam date already past THEN it is refused", async () => {
    const { outcome } = await run("/nudge start time:07:30 timezone:UTC exam_date:2026-11-01");
    expect(String(outcome.reply.data.error)).toMatch(/exam_date.*already past/);
  });

  it("GIVEN a group member who does not manage the group THEN start and stop are refused", async () => {
    const member = { chatKind: "group" as const, address: "test:-100", canManage: async () => false };
    const { outcome, store } = await run("/nudge start time:07:30 timezone:UTC", member);
    expect(String(outcome.reply.data.error)).toMatch(/Only people who manage this group/);
    expect(store.read().subscriptions).toEqual({});
  });

  it("GIVEN no subscription THEN status says how to start one and preview still shows a nudge", async () => {
    expect((await run("/nudge")).outcome.reply.data).toEqual({ subscribed: false });
    const preview = (await run("/nudge preview")).outcome;
    expect(preview.ok).toBe(true);
    expect(typeof preview.reply.data.tip).toBe("string");
  });
});

describe("nudges and personal data", () => {
  it("GIVEN a private nudge and a group nudge THEN /mydata shows the private one and /forget deletes only it", async () => {
    const { ctx, document } = await memoryContext();
    const me = { ...ctx.caller, userId: "chat:5", address: "chat:5" };
    const group = { ...me, address: "chat:-100", chatKind: "group" as const, canManage: async () => true };
    await runLine("/nudge start time:07:30 timezone:UTC", { ...ctx, caller: me });
    await runLine("/nudge start time:09:00 timezone:UTC", { ...ctx, caller: group });
    const mine = await runLine("/mydata", { ...ctx, caller: me });
    expect(Object.keys(mine.reply.data.nudges as object)).toEqual(["chat:5"]);
    expect(mine.to).toBe("sender");
    await runLine("/forget confirm:yes", { ...ctx, caller: me });
    expect(Object.keys(document.read().subscriptions)).toEqual(["chat:-100"]);
    expect(document.read().subscriptions["chat:-100"]?.owner).toBeUndefined();
  });
});

describe("nudge content", () => {
  it("GIVEN an exam date THEN the nudge gives the countdown and today's question volume from the plan's phase", async () => {
    const ctx = await testContext();
    await runLine("/nudge start time:07:30 timezone:UTC exam_date:2027-03-01", ctx);
    const preview = await runLine("/nudge preview", ctx);
    const lines = preview.reply.blocks.flatMap((b) => (b.kind === "bullets" ? b.items : []));
    expect(lines).toContain("95 days to the exam.");
    // 2026-11-26 is in the first phase of the plan /plan gives for 2027-03-01: the guide's 40-60 a day.
    expect(
      lines.some((line) => /^Today's volume \(Foundation phase of the plan\): 40-60 questions/.test(line)),
    ).toBe(true);
  });
});
