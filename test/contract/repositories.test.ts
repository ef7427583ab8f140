import { describe, expect, it } from "vitest";
import type { Subscription } from "../../src/core/records.ts";
import type { Repositories } from "../../src/core/repositories.ts";
import { describeEachBackend } from "./backends.ts";
import { nudgeAt, score, session, T1, T2 } from "./storeRecords.ts";

/**
 * The contract every storage backend passes (memory, file, PostgreSQL): the ports of
 * src/core/repositories.ts behave the same on each, and what they acknowledge survives a restart.
 * A new backend adds itself to backends.ts; a new aggregate adds its tests here (the nudge queue's
 * are in nudgeQueue.test.ts).
 */
describeEachBackend("the repository contract", ({ open, restart }) => {
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

    it("GIVEN a Match saved in a profile THEN it is kept across a restart and another save keeps it", async () => {
      const store = await open();
      await store.profiles.update("x:1", { match: 2028, timezone: "Asia/Manila" }, T1);
      await store.profiles.update("x:1", { step1: "pass" }, T2);
      const again = await restart();
      expect(await again.profiles.get("x:1")).toEqual({
        match: 2028,
        timezone: "Asia/Manila",
        step1: "pass",
        exam_dates: {},
      });
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

  describe("study log", () => {
    it("GIVEN sessions logged THEN ids count up per person, every field survives a restart, and a removal frees no id", async () => {
      const store = await open();
      expect((await store.studyLog.add("x:1", session("2026-05-30", 40, 30), T1)).id).toBe("1");
      expect((await store.studyLog.add("x:2", session("2026-05-30", 10), T1)).id).toBe("1");
      const noted = { ...session("2026-05-31", 60), exam: "step2ck" as const, note: "cardio block" };
      expect(await store.studyLog.add("x:1", noted, T2)).toEqual({ id: "2", ...noted });
      expect(await store.studyLog.remove("x:1", "1", T2)).toEqual({
        id: "1",
        ...session("2026-05-30", 40, 30),
      });
      for (const missing of ["1", "9", "abc", "99999999999"]) {
        expect(await store.studyLog.remove("x:1", missing, T2), missing).toBeUndefined();
      }
      expect((await store.studyLog.add("x:1", session("2026-06-01", 20), T2)).id).toBe("3");
      const again = await restart();
      expect(await again.studyLog.list("x:1")).toEqual([
        { id: "2", ...noted },
        { id: "3", ...session("2026-06-01", 20) },
      ]);
      expect((await again.personalData.export("x:1")).record).toMatchObject({ next_session_id: 4 });
    });

    it("GIVEN twenty sessions logged at once THEN twenty different ids", async () => {
      const store = await open();
      const added = await Promise.all(
        Array.from({ length: 20 }, () => store.studyLog.add("x:1", session("2026-05-30", 10), T1)),
      );
      expect(new Set(added.map((s) => s.id)).size).toBe(20);
    });
  });

  describe("sharing in groups", () => {
    it("GIVEN consents in two groups THEN each group lists only its own members, a new consent replaces the old, and a withdrawal is gone after a restart", async () => {
      const store = await open();
      await store.sharing.share("x:2", "chat:-1", { since: T1.toISOString(), name: "Omar" }, T1);
      await store.sharing.share("x:1", "chat:-1", { since: T1.toISOString() }, T1);
      await store.sharing.share("x:1", "chat:-2", { since: T1.toISOString() }, T1);
      await store.sharing.share("x:1", "chat:-1", { since: T2.toISOString(), name: "Priya" }, T2);
      expect(await store.sharing.members("chat:-1")).toEqual([
        { userId: "x:1", share: { since: T2.toISOString(), name: "Priya" } },
        { userId: "x:2", share: { since: T1.toISOString(), name: "Omar" } },
      ]);
      expect(await store.sharing.unshare("x:2", "chat:-1", T2)).toBe(true);
      expect(await store.sharing.unshare("x:2", "chat:-1", T2)).toBe(false);
      const again = await restart();
      expect(await again.sharing.members("chat:-1")).toEqual([
        { userId: "x:1", share: { since: T2.toISOString(), name: "Priya" } },
      ]);
      expect(await again.sharing.members("chat:-2")).toEqual([
        { userId: "x:1", share: { since: T1.toISOString() } },
      ]);
      expect(await again.sharing.members("chat:-3")).toEqual([]);
    });
  });

  describe("subscriptions", () => {
    it("GIVEN a group's summary day THEN it is kept", async () => {
      const store = await open();
      await store.subscriptions.put("chat:-1", () =>
        nudgeAt("2026-06-01T08:00:00.000Z", { summary_day: "sun" }),
      );
      const again = await restart();
      expect((await again.subscriptions.get("chat:-1"))?.summary_day).toBe("sun");
    });

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

  describe("subscriptions following a Match", () => {
    it("GIVEN a nudge that follows a Match and has mentioned milestones THEN a restart keeps both, and removing them leaves none", async () => {
      const store = await open();
      const following = nudgeAt("2028-02-20T08:00:00.000Z", {
        match: 2028,
        milestones_shown: { rol_deadline: "2028-02-13", ecfmg_exams_verified: "2028-02-13" },
      });
      await store.subscriptions.put("chat:-2", () => following);
      let again = await restart();
      expect(await again.subscriptions.get("chat:-2")).toEqual(following);
      const { match: _match, milestones_shown: _shown, ...plain } = following;
      await again.subscriptions.put("chat:-2", () => plain);
      again = await restart();
      expect(await again.subscriptions.get("chat:-2")).toEqual(plain);
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
      await store.studyLog.add("x:1", session("2026-05-31", 40, 30), T1);
      await store.sharing.share("x:1", "chat:-1", { since: T1.toISOString(), name: "Priya" }, T1);
      await store.profiles.update("x:2", { step1: "fail" }, T1);
      await store.sharing.share("x:2", "chat:-1", { since: T1.toISOString() }, T1);
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
          sessions: [{ id: "1", ...session("2026-05-31", 40, 30) }],
          next_session_id: 2,
          shares: { "chat:-1": { since: T1.toISOString(), name: "Priya" } },
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
      expect(await again.studyLog.list("x:1")).toEqual([]);
      expect(await again.sharing.members("chat:-1")).toEqual([
        { userId: "x:2", share: { since: T1.toISOString() } },
      ]);
      expect(await again.subscriptions.get("dm:1")).toBeUndefined();
      expect(await again.subscriptions.get("chat:-1")).toBeDefined();
      expect(await again.profiles.get("x:2")).toEqual({ step1: "fail", exam_dates: {} });
      expect(await again.personalData.erase("x:1")).toBe(false);
    });
  });
});
