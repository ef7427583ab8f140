/**
 * Finding 1 of issue #16: a full disk lost an acknowledged write. The disk is made full at every
 * write point in turn (test/fixtures/fullDisk.ts), so this runs on any machine. A real 64 KiB tmpfs,
 * which only root can mount, is filled by `npm run check:tmpfs` (test/manual/tmpfsDiskFull.ts).
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiskFullError, StoreError } from "../../src/store/errors.ts";
import { FileStore, openFileBackend } from "../../src/store/file/fileStore.ts";
import { FullDisk } from "../fixtures/fullDisk.ts";
import { scoredUser } from "../fixtures/users.ts";
import { runLine, testContext } from "../helpers.ts";

const _exec = promisify(execFile);
const NOW = "2026-11-28T12:00:00.000Z";
const user = (step2ck_score: number) => scoredUser(step2ck_score, NOW);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-full-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Users and their scores, as a store holds them. */
const scoresOf = (store: FileStore) =>
  Object.fromEntries(Object.entries(store.read().users).map(([id, u]) => [id, u.profile.step2ck_score]));

/** Every file in a folder (skipping lock files), byte for byte. */
async function files(folder: string): Promise<Record<string, Buffer>> {
  const names = (await readdir(folder)).filter((name) => !name.includes(".lock"));
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(join(folder, n))])));
}

/** What the journal and folder must never hold: a temporary file, or a tail that is not a whole line. */
async function expectCleanFiles(folder: string): Promise<void> {
  const present = await files(folder);
  expect(Object.keys(present).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  const journal = present["stepwise.json.journal"];
  if (journal && journal.length > 0) {
    expect(journal.includes(0), "journal holds NUL bytes").toBe(false);
    expect(journal.at(-1), "journal ends inside a line").toBe(0x0a);
  }
}

/** A kill -9 now: copy the files as they are on disk, without closing the store. */
async function crashCopy(from: string, name: string): Promise<string> {
  await cp(from, join(dir, name), { recursive: true, filter: (src) => !src.includes(".lock") });
  return join(dir, name, "stepwise.json");
}

/**
 * Twenty changes (new users, a changed one, concurrent pairs, an erasure) against a store whose
 * disk fills at operation `fullFrom`. Returns what the acknowledged changes should have made.
 */
async function workload(store: FileStore): Promise<{ expected: Record<string, number>; refused: number }> {
  const expected: Record<string, number> = {};
  let refused = 0;
  const attempt = async (change: () => Promise<unknown>, apply: () => void) => {
    try {
      await change();
      apply();
    } catch (error) {
      expect(error).toBeInstanceOf(DiskFullError);
      expect((error as Error).message).toBe(
        "Could not save: the server's disk is full, nothing was changed. Please try again later.",
      );
      refused++;
    }
  };
  const add = (id: string, score: number) =>
    attempt(
      () =>
        store.update((data) => {
          data.users[id] = user(score);
        }),
      () => {
        expected[id] = score;
      },
    );
  for (let i = 0; i < 20; i++) {
    if (i % 7 === 3) {
      await Promise.all([add(`u:${i}`, 200 + i), add(`u:${i}b`, 250 + i)]);
    } else if (i === 10) {
      await attempt(
        () =>
          store.update(
            (data) => {
              delete data.users["u:2"];
            },
            { erase: true },
          ),
        () => {
          delete expected["u:2"];
        },
      );
    } else {
      await add(i === 12 ? "u:1" : `u:${i}`, 200 + i);
    }
  }
  return { expected, refused };
}

describe("finding 1 (disk full)", () => {
  it("GIVEN the disk fills at each write point in turn THEN no acknowledged change is lost, no refused one appears, even after a kill, and the journal ends on a whole line", async () => {
    const dry = new FullDisk();
    const first = await FileStore.open(join(dir, "dry", "stepwise.json"), {
      fs: dry.fs,
      compactAtBytes: 1500,
    });
    await workload(first);
    await first.close();
    const points = dry.operations;
    let refusedAtStart = 0;
    let refusedChanges = 0;
    for (let fullFrom = 1; fullFrom <= points; fullFrom++) {
      const folder = join(dir, `run${fullFrom}`);
      const disk = new FullDisk();
      disk.fullFrom = fullFrom;
      let store: FileStore;
      try {
        store = await FileStore.open(join(folder, "stepwise.json"), { fs: disk.fs, compactAtBytes: 1500 });
      } catch (error) {
        expect(error).toBeInstanceOf(StoreError);
        expect((error as Error).message).toMatch(/^Stepwise cannot .* the disk is full\. [^\n]*$/);
        refusedAtStart++;
        continue;
      }
      const { expected, refused } = await workload(store);
      refusedChanges += refused;
      expect(scoresOf(store), `in memory, full from operation ${fullFrom}`).toEqual(expected);
      await expectCleanFiles(folder);
      const killed = await FileStore.open(await crashCopy(folder, `kill${fullFrom}`));
      expect(scoresOf(killed), `after a kill, full from operation ${fullFrom}`).toEqual(expected);
      await killed.close();

      disk.free();
      await store.update((data) => {
        data.users["u:after"] = user(199);
      });
      await store.close();
      const reopened = await FileStore.open(join(folder, "stepwise.json"));
      expect(scoresOf(reopened)).toEqual({ ...expected, "u:after": 199 });
      await reopened.close();
      await expectCleanFiles(folder);
    }
    console.log(
      `disk full: ${points} write points; start-up refused at ${refusedAtStart}, ${refusedChanges} changes refused, none lost or half-applied`,
    );
    expect(refusedAtStart).toBeGreaterThan(0);
    expect(refusedChanges).toBeGreaterThan(points);
  }, 120_000);

  it("GIVEN a journal to fold in and a full disk THEN start-up says so in one line, leaves no temporary file and loses nothing", async () => {
    const path = join(dir, "data", "stepwise.json");
    const writer = await FileStore.open(path, { compactAtBytes: 1_000_000 });
    for (let i = 0; i < 5; i++) {
      await writer.update((data) => {
        data.users[`u:${i}`] = user(220 + i);
      });
    }
    const killed = await crashCopy(join(dir, "data"), "killed");
    await writer.close();
    const expected = { "u:0": 220, "u:1": 221, "u:2": 222, "u:3": 223, "u:4": 224 };
    let attempts = 0;
    for (;;) {
      attempts++;
      const disk = new FullDisk();
      disk.fullFrom = attempts;
      const opened = await FileStore.open(killed, { fs: disk.fs }).catch((error: unknown) => error);
      if (opened instanceof FileStore) {
        expect(scoresOf(opened)).toEqual(expected);
        await opened.close();
        break;
      }
      expect(opened).toBeInstanceOf(StoreError);
      expect((opened as Error).message).toMatch(
        /^Stepwise cannot (create the data folder|lock the data file|open the data file|open the journal) .*: the disk is full\. Free some space and start again; nothing was changed\.$/,
      );
      await expectCleanFiles(join(dir, "killed"));
      const check = await FileStore.open(await crashCopy(join(dir, "killed"), `check${attempts}`));
      expect(scoresOf(check)).toEqual(expected);
      await check.close();
    }
    expect(attempts).toBeGreaterThan(5);
  });

  it("GIVEN a full disk THEN /score add answers that nothing was saved, and /score list does not show it", async () => {
    const disk = new FullDisk();
    const backend = await openFileBackend(join(dir, "stepwise.json"), { fs: disk.fs });
    const ctx = await testContext({ store: backend.repositories });
    disk.fill();
    const add = await runLine('/score add exam:step2ck test:"NBME 13" score:241', ctx);
    expect(add?.ok).toBe(false);
    expect(add?.reply.data).toEqual({
      error: "Could not save: the server's disk is full, nothing was changed. Please try again later.",
    });
    disk.free();
    const list = await runLine("/score list", ctx);
    expect(JSON.stringify(list?.reply)).not.toContain("NBME 13");
    await backend.close();
  });
});
