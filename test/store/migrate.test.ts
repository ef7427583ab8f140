import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/ports.ts";
import { DATA_VERSION } from "../../src/core/records.ts";
import { NudgeScheduler } from "../../src/scheduler/scheduler.ts";
import { FileStore, openFileBackend } from "../../src/store/file/fileStore.ts";
import { ManualClock, runLine, testContext, testKnowledge } from "../helpers.ts";
import { tickAt } from "../scheduler/wiring.ts";

/** test/fixtures/data-v1.json was written by data version 1 (commit 7000741), through its own commands. */
const FIXTURE = new URL("../fixtures/data-v1.json", import.meta.url);

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-migrate-"));
  file = join(dir, "stepwise.json");
  await copyFile(FIXTURE, file);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("a data file from version 1", () => {
  it("GIVEN the file THEN it loads as the current version and is written back so", async () => {
    const store = await FileStore.open(file);
    expect(store.read().version).toBe(DATA_VERSION);
    await store.close();
    const onDisk = JSON.parse(await readFile(file, "utf8"));
    expect(onDisk.version).toBe(DATA_VERSION);
    expect(onDisk).not.toHaveProperty("meta");
  });

  it("GIVEN version 1's subscriptions THEN they keep everything but the platform and chat id their key already holds", async () => {
    const v1 = JSON.parse(await readFile(file, "utf8"));
    const store = await FileStore.open(file);
    const { subscriptions, users } = store.read();
    expect(Object.keys(subscriptions).sort()).toEqual(Object.keys(v1.subscriptions).sort());
    for (const [key, sub] of Object.entries(subscriptions)) {
      const { platform: _platform, chat_id, paused: _paused, ...kept } = v1.subscriptions[key];
      expect(chat_id).toBe(key);
      expect(sub).toEqual(kept);
    }
    // Users are kept whole, and gain version 3's empty study log and sharing choices.
    expect(users).toEqual(
      Object.fromEntries(
        Object.entries(v1.users).map(([id, user]) => [
          id,
          { ...(user as object), sessions: [], next_session_id: 1, shares: {} },
        ]),
      ),
    );
    await store.close();
  });

  it("GIVEN version 1's two records of 'cannot deliver' THEN one record per chat, with its reason, since when and whose private chat", async () => {
    const store = await FileStore.open(file);
    expect(store.read().chats).toEqual({
      // chats[].undeliverable of a private chat (its key is the user's id in version 1).
      "telegram:1001": {
        unreachable: { reason: "the user blocked the bot", since: "2026-11-20T09:00:00.000Z" },
        owner: "telegram:1001",
      },
      "telegram:-100999": {
        unreachable: { reason: "the bot was removed from this chat", since: "2026-11-20T09:00:00.000Z" },
      },
      // subscriptions[].paused
      "telegram:-100123": {
        unreachable: {
          reason: "Telegram refused: bot was kicked from the group chat",
          since: "2026-11-20T09:00:00.000Z",
        },
      },
      "discord:3003": {
        unreachable: {
          reason: "the bot lacks permission to post here (it needs Send Messages and Embed Links)",
          since: "2026-11-20T09:00:00.000Z",
        },
      },
    });
    await store.close();
  });

  it("GIVEN the migrated data THEN paused nudges stay paused, /nudge status says why, and /mydata shows the person's record", async () => {
    const backend = await openFileBackend(file);
    const clock = new ManualClock("2026-11-21T02:00:00Z");
    const sent: string[] = [];
    const scheduler = new NudgeScheduler({
      queue: backend.repositories.nudgeQueue,
      knowledge: await testKnowledge(),
      clock,
      logger: silentLogger,
      send: async (address) => {
        sent.push(address);
      },
    });
    // 02:00Z is the blocked private chat's 07:30 in Kolkata: held back. The DM and the console go at their times.
    await tickAt(scheduler, clock, "2026-11-21T02:00:00Z");
    expect(sent).toEqual([]);
    await tickAt(scheduler, clock, "2026-11-21T06:15:00Z", "2026-11-21T09:00:00Z");
    expect(sent).toEqual(["discord:4004", "console:local"]);

    const base = await testContext({ store: backend.repositories, clock });
    const group = {
      ...base,
      caller: { userId: "discord:2002", address: "discord:3003", chatKind: "group" as const },
    };
    const status = await runLine("/nudge status", group);
    expect(status.reply.data.paused).toMatch(/lacks permission/);
    const person = {
      ...base,
      caller: { userId: "telegram:1001", address: "telegram:1001", chatKind: "private" as const },
    };
    const mine = await runLine("/mydata", person);
    expect(Object.keys(mine.reply.data.chats as object)).toEqual(["telegram:1001"]);
    expect(Object.keys(mine.reply.data.nudges as object)).toEqual(["telegram:1001"]);
    await scheduler.stop();
    await backend.close();
  });

  it("GIVEN a file from a newer version THEN it is refused and left as it was", async () => {
    const newer = JSON.stringify({ version: DATA_VERSION + 1, users: {} });
    await writeFile(file, newer);
    await expect(FileStore.open(file)).rejects.toThrow(/newer Stepwise/);
    expect(await readFile(file, "utf8")).toBe(newer);
  });
});

describe("a data file from version 2", () => {
  it("GIVEN a version 2 file THEN it opens as version 3 with every record as it was, and /profile set match:2028 then saves", async () => {
    const store = await FileStore.open(file);
    const v2 = structuredClone(store.read());
    await store.close();
    await writeFile(file, JSON.stringify({ ...v2, version: 2 }));
    const backend = await openFileBackend(file);
    expect(backend.document.read()).toEqual({ ...v2, version: 3 });
    const ctx = await testContext({ store: backend.repositories });
    const person = {
      ...ctx,
      caller: { userId: "telegram:1001", address: "telegram:1001", chatKind: "private" as const },
    };
    expect((await runLine("/profile set match:2028", person)).ok).toBe(true);
    await backend.close();
    const onDisk = JSON.parse(await readFile(file, "utf8"));
    expect(onDisk.version).toBe(3);
    expect(onDisk.users["telegram:1001"].profile.match).toBe(2028);
  });
});
