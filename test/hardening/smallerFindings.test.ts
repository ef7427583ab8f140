/**
 * Finding 8 of issue #16, the smaller ones: start-up file problems, file modes, a symlinked data
 * file, echoed input, and node-cron's own warning.
 */
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "../../src/core/ports.ts";
import { NudgeScheduler } from "../../src/scheduler/scheduler.ts";
import { StoreError } from "../../src/store/errors.ts";
import { FileStore } from "../../src/store/file/fileStore.ts";
import { type FileSystem, nodeFileSystem } from "../../src/store/file/fileSystem.ts";
import { memoryBackend } from "../../src/store/memory/memoryStore.ts";
import { runLine, startProgram, testContext, testKnowledge } from "../helpers.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-small-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The real file system, except that creating anything fails with `code`. */
function refusing(code: string): FileSystem {
  const fail = () => Promise.reject(Object.assign(new Error(`${code}: refused`), { code }));
  return {
    ...nodeFileSystem,
    mkdir: fail as FileSystem["mkdir"],
    open: ((path: string, flags?: string | number, mode?: number) =>
      flags === undefined || flags === "r"
        ? nodeFileSystem.open(path, flags, mode)
        : fail()) as FileSystem["open"],
  };
}

const isRoot = process.getuid?.() === 0;

describe("finding 8 (smaller ones): start-up file problems", () => {
  it("GIVEN a parent path that is a file THEN start-up prints one line saying so and what to do, no stack", async () => {
    await writeFile(join(dir, "blocker"), "");
    const { code, stderr } = await startProgram(join(dir, "blocker", "stepwise.json"));
    expect(code).toBe(1);
    expect(stderr).toBe(
      `Stepwise cannot find the data file ${join(dir, "blocker", "stepwise.json")}: a part of that path is a file, not a folder. Point STEPWISE_DATA at a file inside a folder.\n`,
    );
  });

  it("GIVEN STEPWISE_DATA names a folder THEN start-up prints one line saying so", async () => {
    await mkdir(join(dir, "data.json"));
    const { code, stderr } = await startProgram(join(dir, "data.json"));
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^Stepwise cannot open the data file .*data\.json: it is a folder, not a file\. [^\n]*\n$/,
    );
  });

  it("GIVEN a read-only data folder THEN start-up prints one line: permission denied, and what to do", async () => {
    await mkdir(join(dir, "ro"));
    await chmod(join(dir, "ro"), 0o500);
    // Root may write anywhere, so as root the program runs as "nobody" (65534), who may not.
    if (isRoot) await chmod(dir, 0o755);
    const { code, stderr } = await startProgram(
      join(dir, "ro", "stepwise.json"),
      isRoot ? { uid: 65534 } : {},
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^Stepwise cannot [^\n]*: permission denied\. Give the user running Stepwise [^\n]*\n$/,
    );
  });

  it.each([
    ["EACCES", "permission denied. Give the user running Stepwise read and write access"],
    ["EPERM", "the operation is not permitted"],
    ["EROFS", "the file system is read-only. Point STEPWISE_DATA at a writable folder"],
    ["ENOSPC", "the disk is full. Free some space and start again"],
  ])(
    "GIVEN the data folder refuses writes with %s THEN the store's error is one line saying what to do",
    async (code, advice) => {
      const error = await FileStore.open(join(dir, "new", "stepwise.json"), { fs: refusing(code) }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(advice);
      expect((error as Error).message).not.toContain("\n");
    },
  );
});

describe("finding 8 (smaller ones): modes and links", () => {
  it("GIVEN a data file at mode 640 THEN it keeps that mode when rewritten, and the journal is created with it", async () => {
    const file = join(dir, "stepwise.json");
    await FileStore.open(file).then((s) => s.close());
    await chmod(file, 0o640);
    const store = await FileStore.open(file);
    await store.update((data) => {
      data.chats.a = { unreachable: { reason: "test", since: "2026-11-28T00:00:00.000Z" } };
    });
    await store.close();
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it("GIVEN no data yet THEN the data file, the journal and the lock are created 600", async () => {
    const file = join(dir, "stepwise.json");
    const store = await FileStore.open(file);
    await store.update((data) => {
      data.chats.a = { unreachable: { reason: "test", since: "2026-11-28T00:00:00.000Z" } };
    });
    expect((await stat(`${file}.journal`)).mode & 0o777).toBe(0o600);
    expect((await stat(`${file}.lock.1`)).mode & 0o777).toBe(0o600);
    await store.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("GIVEN the data file is a symbolic link THEN writes go through it: the link stays, its target holds the data", async () => {
    await mkdir(join(dir, "volume"));
    const target = join(dir, "volume", "real.json");
    await FileStore.open(target).then((s) => s.close());
    const link = join(dir, "stepwise.json");
    await symlink(target, link);
    const store = await FileStore.open(link);
    await store.update((data) => {
      data.chats.through = { unreachable: { reason: "link", since: "2026-11-28T00:00:00.000Z" } };
    });
    await store.close();
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(Object.keys(JSON.parse(await readFile(target, "utf8")).chats)).toEqual(["through"]);
  });

  it("GIVEN the data file is a link to nothing THEN start-up refuses with what to do", async () => {
    const link = join(dir, "stepwise.json");
    await symlink(join(dir, "gone", "real.json"), link);
    await expect(FileStore.open(link)).rejects.toThrow(
      `The data file ${link} is a symbolic link to a file that does not exist. Fix the link, or point STEPWISE_DATA at a real file.`,
    );
  });
});

describe("finding 8 (smaller ones): echoed input", () => {
  const digits = "9".repeat(1_000_000);
  const letters = "a".repeat(1_000_000);
  it.each([
    ["an out-of-range score", `/score add exam:step1 test:x score:${digits}`, digits],
    ["an out-of-range chance", `/score add exam:step1 test:x score:${digits}%`, digits],
    ["a number too long to read", `/target step2ck:${digits}`, digits],
    ["an unknown command name", `/${letters}`, letters],
    ["an unknown option name", `/score add ${"b".repeat(60)}:1`, "b".repeat(60)],
    ["an unknown time zone", `/nudge start time:07:00 timezone:${"Z".repeat(64)}`, "Z".repeat(64)],
  ])("GIVEN %s of 1 MB THEN the reply quotes at most 40 characters of it", async (_what, line, typed) => {
    const outcome = await runLine(line, await testContext());
    const said = JSON.stringify(outcome);
    expect(outcome?.ok).toBe(false);
    expect(said).not.toContain(typed.slice(0, 41));
    expect(said.length).toBeLessThan(2_000);
  });
});

it("GIVEN a number with too many digits to read THEN the error quotes what was typed, not null", async () => {
  const outcome = await runLine(`/target step2ck:${"9".repeat(400)}`, await testContext());
  expect(outcome?.reply.data).toEqual({
    error: `\`step2ck\` must be a whole number from 1 to 300 (you typed "${"9".repeat(40)}…").`,
  });
});

describe("finding 8 (smaller ones): node-cron's warning", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("GIVEN the process is busy past four minute marks THEN each missed check is one structured warning, and nothing is printed outside the log", async () => {
    const logged: Array<{ level: string; obj: object; msg?: string }> = [];
    const record =
      (level: string) =>
      (obj: object, msg?: string): void => {
        logged.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
      };
    const logger: Logger = {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    };
    const printed = [
      vi.spyOn(console, "warn"),
      vi.spyOn(console, "error"),
      vi.spyOn(console, "info"),
      vi.spyOn(console, "log"),
    ];
    const knowledge = await testKnowledge();
    vi.useFakeTimers({ now: new Date("2026-11-28T12:00:30Z") });
    // One nudge (due next week) is what makes the scheduler load node-cron.
    const { repositories } = memoryBackend();
    await repositories.subscriptions.put("console:group", () => ({
      chat_kind: "group",
      time: "09:00",
      timezone: "UTC",
      exam: "step2ck",
      started_day: "2026-12-05",
      next_day: "2026-12-05",
      next_at: "2026-12-05T09:00:00.000Z",
      shown_tips: [],
    }));
    const scheduler = new NudgeScheduler({
      queue: repositories.nudgeQueue,
      knowledge,
      clock: { now: () => new Date() },
      logger,
      send: async () => undefined,
    });
    await scheduler.start();
    // The event loop is blocked from 12:00:30 to 12:05:00: the checks at 12:01-12:04 are missed.
    vi.setSystemTime(new Date("2026-11-28T12:04:30Z"));
    await vi.advanceTimersByTimeAsync(30_000);
    await scheduler.stop();
    const missed = logged.filter((line) => line.msg?.includes("missed a minute"));
    expect(missed.map((line) => [line.level, line.obj])).toEqual(
      ["12:01", "12:02", "12:03", "12:04"].map((t) => ["warn", { missed: `2026-11-28T${t}:00.000Z` }]),
    );
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
  });
});
