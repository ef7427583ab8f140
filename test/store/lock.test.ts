/**
 * Finding 6 of issue #16: locks that went stale or were taken twice. Starts race in separate
 * processes (test/fixtures/lockRacer.ts), each told to go at the same moment.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/store/errors.ts";
import { FileStore } from "../../src/store/file/fileStore.ts";

const exec = promisify(execFile);
const FAST = { heartbeatMs: 50, staleMs: 1000 };

interface Event {
  event: "opened" | "held" | "refused";
  path: string;
  from?: number;
  until?: number;
  message?: string;
}

/** A racer process: `go(path, hold)` opens the store there and resolves with how it went. */
function racer() {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [
    "--import",
    "tsx",
    "test/fixtures/lockRacer.ts",
  ]);
  const waiting: Array<(event: Event) => void> = [];
  let buffered = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const event = JSON.parse(line) as Event;
      if (event.event !== "opened") waiting.shift()?.(event);
      else opened?.(event);
    }
  });
  let opened: ((event: Event) => void) | undefined;
  return {
    child,
    go(path: string, hold: number): Promise<Event> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${path} ${hold}\n`);
      });
    },
    /** Resolves once the racer holds `path` (for killing it there). */
    holding(path: string): Promise<void> {
      return new Promise((resolve) => {
        opened = (event) => {
          if (event.path === path) resolve();
        };
        child.stdin.write(`${path} 600000\n`);
      });
    },
  };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const { stdout } = await exec(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(stdout);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-lock-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("finding 6 (locks)", () => {
  it("GIVEN 100 pairs of starts at the same moment, over a stale lock or none THEN the two never hold the file at once, and one of them always starts", async () => {
    const pid = await deadPid();
    const [a, b] = [racer(), racer()];
    let overlaps = 0;
    let bothRefused = 0;
    let oneRefused = 0;
    try {
      for (let round = 0; round < 100; round++) {
        const folder = join(dir, `round${round}`);
        await mkdir(folder);
        const path = join(folder, "stepwise.json");
        // Stale locks of both kinds: the older single `.lock` file and a numbered one; or no lock.
        if (round % 3 === 0) await writeFile(`${path}.lock`, `${pid}\n${hostname()}\n`);
        if (round % 3 === 1) await writeFile(`${path}.lock.1`, `${pid}\n${hostname()}\nold\n`);
        const [first, second] = await Promise.all([a.go(path, 40), b.go(path, 40)]);
        const held = [first, second].filter((event) => event.event === "held");
        if (held.length === 0) bothRefused++;
        if (held.length === 1) oneRefused++;
        const [x, y] = held;
        if (x && y && (x.from ?? 0) < (y.until ?? 0) && (y.from ?? 0) < (x.until ?? 0)) overlaps++;
        for (const event of [first, second]) {
          if (event.event === "refused") expect(event.message).toMatch(/Stop it first|Run only one/);
        }
      }
    } finally {
      a.child.kill();
      b.child.kill();
    }
    console.log(
      `100 simultaneous pairs: ${oneRefused} with one refused, ${overlaps} overlaps, ${bothRefused} with both refused`,
    );
    expect(overlaps).toBe(0);
    expect(bothRefused).toBe(0);
    expect(oneRefused).toBeGreaterThan(50);
  }, 120_000);

  it("GIVEN the process holding the file is killed (SIGKILL) THEN the next start opens at once", async () => {
    const path = join(dir, "stepwise.json");
    const holder = racer();
    await holder.holding(path);
    holder.child.kill("SIGKILL");
    await new Promise((resolve) => holder.child.on("exit", resolve));
    const started = Date.now();
    const store = await FileStore.open(path, { lock: FAST });
    expect(Date.now() - started).toBeLessThan(FAST.staleMs);
    await store.close();
  });

  it("GIVEN a lock left by a process on another host (a recreated container) THEN start-up waits for a heartbeat, sees none, and takes over", async () => {
    const path = join(dir, "stepwise.json");
    await writeFile(`${path}.lock.3`, `${process.pid}\nold-container-7f3a\ntoken\n`);
    const started = Date.now();
    const store = await FileStore.open(path, { lock: FAST });
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST.staleMs);
    expect((await readdir(dir)).filter((name) => name.includes(".lock"))).toEqual(["stepwise.json.lock.4"]);
    await store.close();
  });

  it("GIVEN a lock on another host whose owner keeps it fresh THEN start-up is refused, naming the host and what to do", async () => {
    const path = join(dir, "stepwise.json");
    const lock = `${path}.lock.1`;
    await writeFile(lock, `4321\nother-host\ntoken\n`);
    const heartbeat = setInterval(() => {
      const now = new Date();
      void utimes(lock, now, now);
    }, FAST.heartbeatMs);
    try {
      await expect(FileStore.open(path, { lock: FAST })).rejects.toThrow(
        `Another Stepwise process (pid 4321 on host other-host) is using the data file ${path}. Stop it first, or point STEPWISE_DATA at a different file.`,
      );
    } finally {
      clearInterval(heartbeat);
    }
  });

  it("GIVEN the lock of an older Stepwise (no heartbeat) whose pid is alive on this host THEN start-up is refused, saying what to delete if that pid is not Stepwise", async () => {
    const path = join(dir, "stepwise.json");
    await writeFile(`${path}.lock`, `${process.ppid}\n${hostname()}\n`);
    await expect(FileStore.open(path, { lock: FAST })).rejects.toThrow(
      `Another Stepwise process (pid ${process.ppid} on host ${hostname()}) is using the data file ${path}. Stop it first, or point STEPWISE_DATA at a different file. If pid ${process.ppid} is not Stepwise, delete ${path}.lock.`,
    );
  });

  it.each(["stepwise.json.lock", "stepwise.json.lock.1"])(
    "GIVEN %s is a folder THEN start-up says so and what to do",
    async (name) => {
      await mkdir(join(dir, name));
      await expect(FileStore.open(join(dir, "stepwise.json"))).rejects.toThrow(
        `${join(dir, name)} is in the way of Stepwise's lock file: it is not a regular file. Remove it and start again.`,
      );
    },
  );

  it("GIVEN a holder paused so long that another start took the file over THEN it stops writing and leaves the new lock alone", async () => {
    const path = join(dir, "stepwise.json");
    const store = await FileStore.open(path, { lock: FAST });
    await writeFile(`${path}.lock.2`, `4321\nnew-container\ntoken\n`);
    const write = store.update((data) => {
      data.chats.x = { unreachable: { reason: "test", since: "2026-11-28T00:00:00.000Z" } };
    });
    await expect(write).rejects.toBeInstanceOf(StoreError);
    await expect(write).rejects.toThrow(
      /Another Stepwise process took over the data file .* stop it and keep one running/,
    );
    expect(store.read().chats.x).toBeUndefined();
    await store.close();
    expect((await readdir(dir)).filter((name) => name.includes(".lock"))).toEqual(["stepwise.json.lock.2"]);
  });
});
