import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addDays } from "../../src/core/dates.ts";
import type { Subscription } from "../../src/core/records.ts";
import type { Backend, ClaimedNudge, Repositories, Settle } from "../../src/core/repositories.ts";
import { backends, type Place } from "./backends.ts";

/**
 * The contract every storage backend passes (memory, file, PostgreSQL): the ports of
 * src/core/repositories.ts behave the same on each, and what they acknowledge survives a restart.
 * A new backend adds itself to backends.ts; a new aggregate adds its tests here.
 */

const T1 = new Date("2026-06-01T08:00:00.000Z");
const T2 = new Date("2026-06-02T09:30:00.000Z");

/** A group's nudge due at `next_at` (an ISO instant with milliseconds, as stored). */
const nudgeAt = (next_at: string, extra: Partial<Subscription> = {}): Subscription => ({
  chat_kind: "group",
  time: next_at.slice(11, 16),
  timezone: "UTC",
  exam: "step2ck",
  started_day: next_at.slice(0, 10),
  next_day: next_at.slice(0, 10),
  next_at,
  shown_tips: [],
  ...extra,
});

/** A plain settle (the scheduler's uses the engine): send the due day, and the next slot a day later. */
const sendDay: Settle = (_address, due) => ({
  next: {
    ...due,
    last_sent_day: due.next_day,
    next_day: addDays(due.next_day, 1),
    next_at: new Date(Date.parse(due.next_at) + 86_400_000).toISOString(),
    shown_tips: [...due.shown_tips, `tip-${due.next_day}`],
  },
  send: { day: due.next_day, slot: due },
});

const score = (test: string, value: number) => ({
  exam: "step2ck" as const,
  test,
  kind: "scaled" as const,
  value,
  date: "2026-05-30",
  added_at: T1.toISOString(),
});

describe.each(backends())("$name backend: the repository contract", (backend) => {
  let place: Place;
  const opened: Backend[] = [];
  /** Opens a backend on the test's place (one more process, where the backend is shared). */
  const open = async (): Promise<Repositories> => {
    const started = await place.open();
    opened.push(started);
    return started.repositories;
  };
  /** Closes every backend open on the place and opens one again: a restart. */
  const restart = async (): Promise<Repositories> => {
    for (const running of opened.splice(0)) await running.close();
    return open();
  };

  beforeAll(async () => backend.setUp?.());
  afterAll(async () => backend.tearDown?.());
  beforeEach(async () => {
    place = await backend.fresh();
  });
  afterEach(async () => {
    for (const running of opened.splice(0)) await running.close();
    await place.dispose();
  });

  describe("profiles", () => {
    it("GIVEN someone never seen THEN their profile is empty and nothing is stored about them", async () => {
      const store = await open();
      expect(await store.profiles.get("x:1")).toEqual({ exam_dates: {} });
      expect((await store.personalData.export("x:1")).record).toBeNull();
    });

    it("GIVEN two saves THEN given fields replace, exam dates merge, and a restart keeps it all", async () => {
      const store = await open();
      await store.profiles.update("x:1", { step1: "fail", exam_dates: { step1: "2027-01-01" } }, T1);
      const saved = await store.profiles.update(
        "x:1",
        {
          step1: "pass",
          timezone: "Asia/Kolkata",
          step2ck_score: undefined,
          exam_dates: { step2ck: "2027-02-01" },
        },
        T2,
      );
      const expected = {
        step1: "pass",
        exam_dates: { step1: "2027-01-01", step2ck: "2027-02-01" },
        timezone: "Asia/Kolkata",
      };
      expect(saved).toEqual(expected);
      const again = await restart();
      expect(await again.profiles.get("x:1")).toEqual(expected);
      const { record } = await again.personalData.export("x:1");
      expect(record).toMatchObject({ created_at: T1.toISOString(), updated_at: T2.toISOString() });
    });

    it("GIVEN two people new in one process THEN each has a profile of their own (a shared default once leaked exam dates)", async () => {
      const store = await open();
      await store.profiles.update("x:1", { exam_dates: { step2ck: "2027-01-01" } }, T1);
      await store.profiles.update("x:2", {}, T1);
      expect(await store.profiles.get("x:2")).toEqual({ exam_dates: {} });
    });
  });

  describe("practice scores", () => {
    it("GIVEN scores added THEN each person's ids count up from 1, in order, and a restart keeps them", async () => {
      const store = await open();
      expect((await store.scores.add("x:1", score("NBME 10", 230), T1)).id).toBe("1");
      expect((await store.scores.add("x:2", score("UWSA 1", 250), T1)).id).toBe("1");
      expect(await store.scores.add("x:1", score("NBME 11", 236), T2)).toEqual({
        id: "2",
        ...score("NBME 11", 236),
      });
      const again = await restart();
      expect((await again.scores.list("x:1")).map((s) => [s.id, s.test, s.value])).toEqual([
        ["1", "NBME 10", 230],
        ["2", "NBME 11", 236],
      ]);
      expect((await again.personalData.export("x:1")).record).toMatchObject({ next_score_id: 3 });
    });

    it("GIVEN a removal THEN that score is gone, its id is never used again, and a missing id removes nothing", async () => {
      const store = await open();
      await store.scores.add("x:1", score("NBME 10", 230), T1);
      await store.scores.add("x:1", score("NBME 11", 236), T1);
      expect(await store.scores.remove("x:1", "1", T2)).toEqual({ id: "1", ...score("NBME 10", 230) });
      for (const missing of ["1", "9", "abc", "99999999999"]) {
        expect(await store.scores.remove("x:1", missing, T2), missing).toBeUndefined();
      }
      expect(await store.scores.remove("x:2", "2", T2)).toBeUndefined();
      expect((await store.scores.add("x:1", score("NBME 12", 240), T2)).id).toBe("3");
      const again = await restart();
      expect((await again.scores.list("x:1")).map((s) => s.id)).toEqual(["2", "3"]);
    });

    it("GIVEN twenty scores added at once THEN twenty different ids", async () => {
      const store = await open();
      const added = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.scores.add("x:1", score(`Form ${i}`, 200 + i), T1)),
      );
      expect(new Set(added.map((s) => s.id)).size).toBe(20);
      expect(await store.scores.list("x:1")).toHaveLength(20);
    });
  });

  describe("subscriptions", () => {
    it("GIVEN a nudge set, changed and removed THEN each change sees the one before and a restart keeps the last", async () => {
      const store = await open();
      const first = nudgeAt("2026-06-01T08:00:00.000Z", { last_sent_day: "2026-05-31" });
      const seen: Array<Subscription | undefined> = [];
      await store.subscriptions.put("chat:-1", (previous) => {
        seen.push(previous);
        return first;
      });
      const second = await store.subscriptions.put("chat:-1", (previous) => {
        seen.push(previous);
        return { ...nudgeAt("2026-06-01T09:00:00.000Z"), last_sent_day: previous?.last_sent_day };
      });
      expect(seen).toEqual([undefined, first]);
      expect(second.last_sent_day).toBe("2026-05-31");
      let again = await restart();
      expect(await again.subscriptions.get("chat:-1")).toEqual(second);
      expect(await again.subscriptions.remove("chat:-1")).toBe(true);
      expect(await again.subscriptions.remove("chat:-1")).toBe(false);
      again = await restart();
      expect(await again.subscriptions.get("chat:-1")).toBeUndefined();
    });
  });

  describe("chats", () => {
    it("GIVEN a chat found unreachable THEN the record says why until it is reachable again, once", async () => {
      const store = await open();
      const record = {
        unreachable: { reason: "the bot was removed", since: T1.toISOString() },
        owner: "x:1",
      };
      await store.chats.markUnreachable("chat:5", record);
      let again = await restart();
      expect(await again.chats.get("chat:5")).toEqual(record);
      expect(await again.chats.markReachable("chat:5")).toBe(true);
      expect(await again.chats.markReachable("chat:5")).toBe(false);
      again = await restart();
      expect(await again.chats.get("chat:5")).toBeUndefined();
    });
  });

  describe("personal data", () => {
    /** x:1 with a profile, a score, a private nudge and an unreachable private chat; a group nudge; x:2's profile. */
    async function seed(store: Repositories): Promise<void> {
      await store.profiles.update("x:1", { step1: "pass" }, T1);
      await store.scores.add("x:1", score("NBME 10", 230), T1);
      await store.subscriptions.put("dm:1", () =>
        nudgeAt("2026-06-01T08:00:00.000Z", { chat_kind: "private", owner: "x:1" }),
      );
      await store.subscriptions.put("chat:-1", () => nudgeAt("2026-06-01T08:00:00.000Z"));
      await store.chats.markUnreachable("dm:1", {
        unreachable: { reason: "blocked", since: T1.toISOString() },
        owner: "x:1",
      });
      await store.profiles.update("x:2", { step1: "fail" }, T1);
    }

    it("GIVEN a person's data THEN the export holds all of it and nothing of anyone else's", async () => {
      const store = await open();
      await seed(store);
      const mine = await store.personalData.export("x:1");
      expect(mine).toEqual({
        user_id: "x:1",
        record: {
          profile: { step1: "pass", exam_dates: {} },
          scores: [{ id: "1", ...score("NBME 10", 230) }],
          next_score_id: 2,
          created_at: T1.toISOString(),
          updated_at: T1.toISOString(),
        },
        nudges: { "dm:1": nudgeAt("2026-06-01T08:00:00.000Z", { chat_kind: "private", owner: "x:1" }) },
        chats: { "dm:1": { unreachable: { reason: "blocked", since: T1.toISOString() }, owner: "x:1" } },
      });
    });

    it("GIVEN an erasure THEN everything about the person is gone, also after a restart, and nothing of anyone else's", async () => {
      const store = await open();
      await seed(store);
      expect(await store.personalData.erase("x:1")).toBe(true);
      const again = await restart();
      expect(await again.personalData.export("x:1")).toEqual({
        user_id: "x:1",
        record: null,
        nudges: {},
        chats: {},
      });
      expect(await again.scores.list("x:1")).toEqual([]);
      expect(await again.subscriptions.get("dm:1")).toBeUndefined();
      expect(await again.subscriptions.get("chat:-1")).toBeDefined();
      expect(await again.profiles.get("x:2")).toEqual({ step1: "fail", exam_dates: {} });
      expect(await again.personalData.erase("x:1")).toBe(false);
    });
  });

  describe("the nudge queue", () => {
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
      expect(addresses((await again.nudgeQueue.claimDue(tomorrow, 10, sendDay)).claimed)).toEqual([
        "chat:-1",
      ]);
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
      const claimers = place.shared ? [first, await open(), await open()] : [first, first, first];
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
});
