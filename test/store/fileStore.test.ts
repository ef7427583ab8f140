import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DATA_VERSION, type UserRecord } from "../../src/core/records.ts";
import { StoreError } from "../../src/store/errors.ts";
import { FileStore } from "../../src/store/file/fileStore.ts";

const exec = promisify(execFile);
const NOW = "2026-11-25T12:00:00.000Z";

const user = (step2ck_score?: number): UserRecord => ({
  profile: { exam_dates: {}, ...(step2ck_score ? { step2ck_score } : {}) },
  scores: [],
  next_score_id: 1,
  sessions: [],
  next_session_id: 1,
  shares: {},
  created_at: NOW,
  updated_at: NOW,
});

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-store-"));
  file = join(dir, "data", "stepwise.json");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** What a crash would leave: copy the files as they are on disk, without closing the store. */
async function crashCopy(): Promise<string> {
  const copy = join(dir, "crash", "stepwise.json");
  await cp(join(dir, "data"), join(dir, "crash"), {
    recursive: true,
    filter: (src) => !/\.(lock|tmp)$/.test(src),
  });
  return copy;
}

describe("file store", () => {
  it("GIVEN no file THEN it starts empty, and data written is there after a reopen", async () => {
    const store = await FileStore.open(file);
    expect(store.read().users).toEqual({});
    await store.update((data) => {
      data.users["telegram:1"] = user(241);
    });
    await store.close();
    const again = await FileStore.open(file);
    expect(again.read().users["telegram:1"]?.profile.step2ck_score).toBe(241);
    await again.close();
  });

  it("GIVEN an acknowledged write THEN it is on disk before close (a crash keeps it)", async () => {
    const store = await FileStore.open(file);
    await store.update((data) => {
      data.users["telegram:1"] = user(230);
    });
    await store.update((data) => {
      delete data.users["telegram:1"];
      data.users["discord:2"] = user(250);
    });
    const copy = await crashCopy();
    await store.close();
    const recovered = await FileStore.open(copy);
    expect(Object.keys(recovered.read().users)).toEqual(["discord:2"]);
    await recovered.close();
  });

  it("GIVEN a change that throws THEN the data is unchanged and other queued changes still commit", async () => {
    const store = await FileStore.open(file);
    const failing = store.update((data) => {
      data.users["telegram:1"] = user(200);
      throw new Error("handler bug");
    });
    const fine = store.update((data) => {
      data.users["telegram:2"] = user(210);
    });
    await expect(failing).rejects.toThrow("handler bug");
    await fine;
    expect(Object.keys(store.read().users)).toEqual(["telegram:2"]);
    await store.close();
  });

  it("GIVEN many concurrent writes THEN every acknowledged one survives compaction and reopen", async () => {
    const store = await FileStore.open(file, { compactAtBytes: 1500 });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.update((data) => {
          data.users[`telegram:${i}`] = user(200 + i);
        }),
      ),
    );
    const copy = await crashCopy();
    await store.close();
    const recovered = await FileStore.open(copy);
    expect(Object.keys(recovered.read().users)).toHaveLength(40);
    expect(recovered.read().users["telegram:39"]?.profile.step2ck_score).toBe(239);
    await recovered.close();
  });

  it("GIVEN a truncated data file THEN start-up stops naming the file, and the file is not overwritten", async () => {
    const store = await FileStore.open(file);
    await store.update((data) => {
      data.users["telegram:1"] = user(230);
    });
    await store.close();
    const whole = await readFile(file, "utf8");
    await writeFile(file, whole.slice(0, whole.length / 2));
    const before = await readFile(file);
    const error = await FileStore.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/not valid JSON.*restore it from a backup/);
    expect(await readFile(file)).toEqual(before);
  });

  it("GIVEN valid JSON that is not Stepwise data THEN start-up stops with the problem", async () => {
    await FileStore.open(file).then((s) => s.close());
    await writeFile(file, JSON.stringify({ version: 1, users: { x: { profile: { step2ck_score: 999 } } } }));
    await expect(FileStore.open(file)).rejects.toThrow(/does not hold valid Stepwise data.*users\.x/);
  });

  it("GIVEN a file from a newer Stepwise THEN it asks for an upgrade", async () => {
    await FileStore.open(file).then((s) => s.close());
    await writeFile(file, JSON.stringify({ version: 99, users: {} }));
    await expect(FileStore.open(file)).rejects.toThrow(/newer Stepwise/);
  });

  it("GIVEN a journal whose last line was cut by a crash THEN the complete changes are kept", async () => {
    const store = await FileStore.open(file, { compactAtBytes: 1_000_000 });
    await store.update((data) => {
      data.users["telegram:1"] = user(231);
    });
    const copy = await crashCopy();
    await store.close();
    await writeFile(`${copy}.journal`, '[{"k":["users","telegram:9"],"v":{"prof', { flag: "a" });
    const recovered = await FileStore.open(copy);
    expect(Object.keys(recovered.read().users)).toEqual(["telegram:1"]);
    await recovered.close();
  });

  it("GIVEN a journal damaged in the middle THEN start-up stops and says so", async () => {
    await FileStore.open(file).then((s) => s.close());
    await writeFile(`${file}.journal`, 'garbage\n[{"k":["users","a"]}]\n[{"k":["users","b"]}]\n');
    await expect(FileStore.open(file)).rejects.toThrow(/journal .* is damaged at line 1/);
  });

  it("GIVEN the store is open THEN a second process on the same file is refused with a clear message", async () => {
    const store = await FileStore.open(file);
    const second = await exec("node_modules/.bin/tsx", ["test/fixtures/openStore.ts", file]).catch(
      (error: { stdout: string; code: number }) => error,
    );
    expect(second.stdout).toMatch(
      /refused: Another Stepwise process \(pid \d+ on host .+\) is using the data file/,
    );
    expect(second.stdout).toContain("STEPWISE_DATA");
    await store.close();
    const third = await exec("node_modules/.bin/tsx", ["test/fixtures/openStore.ts", file]);
    expect(third.stdout).toBe("opened 0 users\n");
  });

  it("GIVEN a lock left by a process that died THEN the store opens", async () => {
    await FileStore.open(file).then((s) => s.close());
    const dead = await exec("node", ["-e", "process.stdout.write(String(process.pid))"]);
    await writeFile(`${file}.lock`, `${dead.stdout}\n`);
    const store = await FileStore.open(file);
    expect(store.read().version).toBe(DATA_VERSION);
    await store.close();
  });
});
