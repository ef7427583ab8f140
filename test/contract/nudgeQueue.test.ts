import { expect, it } from "vitest";
import type { ClaimedNudge, Settle } from "../../src/core/repositories.ts";
import { describeEachBackend } from "./backends.ts";
import { nudgeAt, sendDay, T1 } from "./storeRecords.ts";

/** The nudge queue's contract, on every backend: due nudges, each handed to exactly one claimer. */
describeEachBackend("the nudge queue", ({ open, restart, shared }) => {
  const NOW = new Date("2026-06-01T08:00:00.000Z");
  const addresses = (claims: ClaimedNudge[]) => claims.map((claim) => claim.address);

  it("GIVEN nudges due, not yet due, ended and in an unreachable chat THEN only the due ones are claimed, earliest first, their day saved as sent", async () => {
    const store = await open();
    await store.subscriptions.put("chat:late", () => nudgeAt("2026-06-01T07:59:00.000Z"));
    await store.subscriptions.put("chat:early", () => nudgeAt("2026-06-01T06:00:00.000Z"));
    await store.subscriptions.put("chat:later", () => nudgeAt("2026-06-01T08:01:00.000Z"));
    await store.subscriptions.put("chat:ended", () =>
      nudgeAt("2026-06-01T07:00:00.000Z", { ended_on: "2026-05-31" }),
    );
    await store.subscriptions.put("chat:gone", () => nudgeAt("2026-06-01T07:00:00.000Z"));
    await store.chats.markUnreachable("chat:gone", {
      unreachable: { reason: "gone", since: T1.toISOString() },
    });

    const { claimed, examined } = await store.nudgeQueue.claimDue(NOW, 10, sendDay);
    expect(addresses(claimed)).toEqual(["chat:early", "chat:late"]);
    expect(examined).toBe(2);
    expect(claimed[0]).toEqual({
      address: "chat:early",
      day: "2026-06-01",
      slot: nudgeAt("2026-06-01T06:00:00.000Z"),
    });
    expect(await store.subscriptions.get("chat:early")).toMatchObject({
      last_sent_day: "2026-06-01",
      next_at: "2026-06-02T06:00:00.000Z",
      shown_tips: ["tip-2026-06-01"],
    });
    expect(await store.nudgeQueue.claimDue(NOW, 10, sendDay)).toEqual({ claimed: [], examined: 0 });
  });

  it("GIVEN more due than the limit THEN they come out a batch at a time, earliest first", async () => {
    const store = await open();
    for (const minute of [5, 1, 4, 2, 3]) {
      await store.subscriptions.put(`chat:${minute}`, () => nudgeAt(`2026-06-01T07:0${minute}:00.000Z`));
    }
    const batches: string[][] = [];
    for (let round = 0; round < 4; round++) {
      batches.push(addresses((await store.nudgeQueue.claimDue(NOW, 2, sendDay)).claimed));
    }
    expect(batches).toEqual([["chat:1", "chat:2"], ["chat:3", "chat:4"], ["chat:5"], []]);
  });

  it("GIVEN a slot settled without sending THEN it is saved and counted, and nothing is handed out", async () => {
    const store = await open();
    await store.subscriptions.put("chat:1", () => nudgeAt("2026-06-01T07:00:00.000Z"));
    const skip: Settle = (_address, due) => ({
      next: { ...due, next_at: "2026-06-02T07:00:00.000Z", next_day: "2026-06-02" },
    });
    expect(await store.nudgeQueue.claimDue(NOW, 10, skip)).toEqual({ claimed: [], examined: 1 });
    expect((await store.subscriptions.get("chat:1"))?.next_at).toBe("2026-06-02T07:00:00.000Z");
  });

  it("GIVEN a claimed nudge and a restart THEN it is not handed out again", async () => {
    const store = await open();
    await store.subscriptions.put("chat:1", () => nudgeAt("2026-06-01T07:00:00.000Z"));
    expect(addresses((await store.nudgeQueue.claimDue(NOW, 10, sendDay)).claimed)).toEqual(["chat:1"]);
    const again = await restart();
    expect(await again.nudgeQueue.claimDue(NOW, 10, sendDay)).toEqual({ claimed: [], examined: 0 });
    expect(await again.nudgeQueue.nextDueAt()).toEqual(new Date("2026-06-02T07:00:00.000Z"));
  });

  it("GIVEN a delivered claim THEN its day is recorded as delivered; GIVEN one that can never be THEN the chat is paused, owned like the nudge, until reachable", async () => {
    const store = await open();
    await store.subscriptions.put("chat:-1", () => nudgeAt("2026-06-01T07:00:00.000Z"));
    await store.subscriptions.put("dm:1", () =>
      nudgeAt("2026-06-01T07:00:00.000Z", { chat_kind: "private", owner: "x:1" }),
    );
    const [group, dm] = (await store.nudgeQueue.claimDue(NOW, 10, sendDay)).claimed;
    if (!group || !dm) throw new Error("both nudges should have been claimed");
    await store.nudgeQueue.complete(group);
    await store.nudgeQueue.pause(dm, "the user blocked the bot", NOW);
    let again = await restart();
    expect((await again.subscriptions.get("chat:-1"))?.delivered_day).toBe("2026-06-01");
    expect((await again.subscriptions.get("dm:1"))?.delivered_day).toBeUndefined();
    expect(await again.chats.get("dm:1")).toEqual({
      unreachable: { reason: "the user blocked the bot", since: NOW.toISOString() },
      owner: "x:1",
    });
    const tomorrow = new Date("2026-06-02T08:00:00.000Z");
    expect(addresses((await again.nudgeQueue.claimDue(tomorrow, 10, sendDay)).claimed)).toEqual(["chat:-1"]);
    expect(await again.chats.markReachable("dm:1")).toBe(true);
    again = await restart();
    expect(addresses((await again.nudgeQueue.claimDue(tomorrow, 10, sendDay)).claimed)).toEqual(["dm:1"]);
  });

  it("GIVEN subscriptions THEN the next due time is the earliest of those still running", async () => {
    const store = await open();
    expect(await store.nudgeQueue.nextDueAt()).toBeUndefined();
    await store.subscriptions.put("chat:1", () => nudgeAt("2026-06-03T07:00:00.000Z"));
    await store.subscriptions.put("chat:2", () =>
      nudgeAt("2026-06-02T07:00:00.000Z", { ended_on: "2026-06-01" }),
    );
    await store.subscriptions.put("chat:3", () => nudgeAt("2026-06-04T07:00:00.000Z"));
    expect(await store.nudgeQueue.nextDueAt()).toEqual(new Date("2026-06-03T07:00:00.000Z"));
  });

  it("GIVEN 300 nudges due and three claimers at once THEN each nudge is claimed exactly once", async () => {
    const first = await open();
    for (let i = 0; i < 300; i++) {
      const minute = String(i % 60).padStart(2, "0");
      await first.subscriptions.put(`chat:${i}`, () => nudgeAt(`2026-06-01T07:${minute}:00.000Z`));
    }
    // Separate backends on the same data where it may be shared (other processes), else one backend.
    const claimers = shared() ? [first, await open(), await open()] : [first, first, first];
    const claimed = await Promise.all(
      claimers.map(async (store) => {
        const mine: string[] = [];
        for (;;) {
          const round = await store.nudgeQueue.claimDue(NOW, 25, sendDay);
          mine.push(...addresses(round.claimed));
          if (round.examined === 0) return mine;
        }
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
  });
});
