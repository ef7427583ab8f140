import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Logger } from "../../core/ports.ts";
import { StoreError } from "../errors.ts";
import { codeOf, type FileSystem } from "./fileSystem.ts";

/*
 * One process per data file, without a lock that can go stale or be taken twice.
 *
 * Why not an OS lock: Node has no flock/fcntl, and the addons that add one need a compiler at
 * install. Why not proper-lockfile: its stale takeover is "remove, then create", so two starts
 * that both find a stale lock can both win (moxystudio/node-proper-lockfile#121, still open), the
 * same race as the lock this replaces. Instead:
 *
 * - Each holder owns a numbered file, `<data>.lock.<n>` (pid, host, a random token) and touches its
 *   time every second (the heartbeat). A lock is stale when its process is gone: on this host, its
 *   pid is dead (or it is alive but the heartbeat stopped: a reused pid); on another host (a
 *   recreated container), its heartbeat does not move while we watch for `staleMs`.
 * - Taking over a stale lock `n` means creating `n + 1` exclusively, so of several starts that find
 *   the same stale lock exactly one succeeds; the others see the new holder and are refused.
 * - After creating its file a start lists the locks again and backs off if any other live one is
 *   there, which covers the rarer interleavings (a holder that came and went meanwhile).
 * - A holder that was paused so long that another process took over notices on its next heartbeat
 *   or write (its file is gone, or a newer one exists) and stops writing.
 */

export interface LockTiming {
  heartbeatMs: number;
  /** How long a lock on another host may go without a heartbeat before it counts as abandoned. */
  staleMs: number;
}

export const LOCK_TIMING: LockTiming = { heartbeatMs: 1_000, staleMs: 10_000 };

export interface Lock {
  /** Throws when another process has taken the data file over; call before each write. */
  check(): Promise<void>;
  release(): Promise<void>;
}

export interface LockOptions {
  fs: FileSystem;
  logger?: Logger | undefined;
  timing?: LockTiming | undefined;
  /** Called once if the lock is lost while held (this process was paused past `staleMs`). */
  onLost?: (error: StoreError) => void;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
}

interface Seen {
  owner: Owner | undefined;
  mtimeMs: number;
  size: number;
}

interface Generation {
  n: number;
  path: string;
}

const heldHere = new Set<string>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return codeOf(error) === "EPERM";
  }
}

/** "pid\nhost\ntoken\n"; the older single lock file `<data>.lock` had the first two lines only. */
function parseOwner(text: string): Owner | undefined {
  const [pidText = "", host = "", token = ""] = text.split("\n");
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 && host !== "" ? { pid, host, token } : undefined;
}

const describe = (owner: Owner | undefined) =>
  owner ? `pid ${owner.pid} on host ${owner.host}` : "one that is just starting";

/** Takes the data file for this process, or throws a StoreError that says what to do. */
export async function acquireLock(dataPath: string, options: LockOptions): Promise<Lock> {
  const { fs, logger } = options;
  const timing = options.timing ?? LOCK_TIMING;
  const dir = dirname(dataPath);
  const prefix = `${basename(dataPath)}.lock`;
  const refuse = (owner: Owner | undefined, path = "") =>
    new StoreError(
      `Another Stepwise process (${describe(owner)}) is using the data file ${dataPath}. Stop it first, or point STEPWISE_DATA at a different file.${owner && !owner.token ? ` If pid ${owner.pid} is not Stepwise, delete ${path}.` : ""}`,
    );
  if (heldHere.has(dataPath)) throw refuse({ pid: process.pid, host: hostname(), token: "this process" });

  /** Every lock file of this data file, oldest first (`<data>.lock`, left by older versions, is 0). */
  async function generations(): Promise<Generation[]> {
    const found: Generation[] = [];
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const match = entry.name.startsWith(prefix)
        ? /^(?:\.(\d{1,15}))?$/.exec(entry.name.slice(prefix.length))
        : null;
      if (!match) continue;
      const path = join(dir, entry.name);
      if (!entry.isFile()) {
        throw new StoreError(
          `${path} is in the way of Stepwise's lock file: it is not a regular file. Remove it and start again.`,
        );
      }
      found.push({ n: Number(match[1] ?? 0), path });
    }
    return found.sort((a, b) => a.n - b.n);
  }

  async function look(path: string): Promise<Seen | undefined> {
    try {
      const handle = await fs.open(path, "r");
      try {
        // Opening (not only stat) revalidates the attributes on network file systems.
        const { mtimeMs, size } = await handle.stat();
        return { owner: parseOwner(await handle.readFile("utf8")), mtimeMs, size };
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (codeOf(error) === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Whether the lock at `path` still has a living owner; "gone" when the file disappeared meanwhile. */
  async function judge(path: string): Promise<"live" | "stale" | "gone"> {
    const first = await look(path);
    if (!first) return "gone";
    const { owner } = first;
    if (owner?.host === hostname()) {
      if (owner.pid === process.pid || !isAlive(owner.pid)) return "stale";
      // `<data>.lock` of an older Stepwise, which has no heartbeat: its live pid is all there is to go by.
      if (!owner.token) return "live";
      return Date.now() - first.mtimeMs < timing.staleMs ? "live" : "stale";
    }
    // Another host (or a file still being written): only a heartbeat shows its owner is alive.
    logger?.info(
      { lock: path, owner: describe(owner), waitMs: timing.staleMs },
      "waiting for a heartbeat from the owner of the data file's lock before taking it over",
    );
    const deadline = Date.now() + timing.staleMs;
    while (Date.now() < deadline) {
      await sleep(Math.min(250, timing.heartbeatMs / 2));
      const now = await look(path);
      if (!now) return "gone";
      if (now.mtimeMs !== first.mtimeMs || now.size !== first.size) return "live";
    }
    return "stale";
  }

  /** Creates generation `n` with our owner line; false when another process created it first. */
  async function create(path: string, owner: Owner): Promise<boolean> {
    let handle: Awaited<ReturnType<FileSystem["open"]>>;
    try {
      handle = await fs.open(path, "wx", 0o600);
    } catch (error) {
      if (codeOf(error) === "EEXIST") return false;
      throw error;
    }
    try {
      await handle.writeFile(`${owner.pid}\n${owner.host}\n${owner.token}\n`);
      await handle.sync();
    } catch (error) {
      await fs.unlink(path).catch(() => undefined);
      throw error;
    } finally {
      await handle.close();
    }
    return true;
  }

  for (let attempt = 0; attempt < 10; attempt++) {
    const existing = await generations();
    const newest = existing.at(-1);
    if (newest) {
      const verdict = await judge(newest.path);
      if (verdict === "live") throw refuse((await look(newest.path))?.owner, newest.path);
      if (verdict === "gone") continue;
    }
    const mine: Generation = {
      n: (newest?.n ?? 0) + 1,
      path: join(dir, `${prefix}.${(newest?.n ?? 0) + 1}`),
    };
    const owner: Owner = { pid: process.pid, host: hostname(), token: randomUUID() };
    if (!(await create(mine.path, owner))) continue;
    // Judged stale above: safe to remove. Anything else that appeared meanwhile must be judged too.
    const judged = new Set(existing.map((g) => g.path));
    let contested = false;
    for (const other of await generations()) {
      if (other.path === mine.path) continue;
      if (other.n > mine.n || (!judged.has(other.path) && (await judge(other.path)) === "live")) {
        contested = true;
        break;
      }
    }
    if (contested) {
      await fs.unlink(mine.path).catch(() => undefined);
      throw new StoreError(
        `Another Stepwise process started on the data file ${dataPath} at the same moment. Run only one; start again once the other has stopped.`,
      );
    }
    for (const other of await generations()) {
      if (other.n < mine.n) await fs.unlink(other.path).catch(() => undefined);
    }
    heldHere.add(dataPath);
    return hold(mine, owner, dataPath, options, timing);
  }
  throw new StoreError(
    `Stepwise could not take the lock on ${dataPath}: other processes kept taking it. Make sure only one Stepwise uses this data file, then start again.`,
  );
}

/** The held lock: a heartbeat that also notices a takeover, and a release that removes only our own file. */
function hold(
  mine: Generation,
  owner: Owner,
  dataPath: string,
  options: LockOptions,
  timing: LockTiming,
): Lock {
  const { fs } = options;
  const next = join(dirname(mine.path), basename(mine.path).replace(/\d+$/, String(mine.n + 1)));
  let lost: StoreError | undefined;
  const lose = () => {
    if (lost) return;
    lost = new StoreError(
      `Another Stepwise process took over the data file ${dataPath} (this one did not refresh its lock for ${timing.staleMs / 1000} s, e.g. it was paused). This process stopped writing; stop it and keep one running.`,
    );
    options.onLost?.(lost);
  };
  const taken = async () => {
    try {
      await fs.stat(next);
      return true;
    } catch {
      return false;
    }
  };
  let beating = false;
  const beat = async () => {
    if (beating || lost) return;
    beating = true;
    try {
      const now = new Date();
      await fs.utimes(mine.path, now, now);
      if (await taken()) lose();
    } catch (error) {
      if (codeOf(error) === "ENOENT") lose();
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(() => void beat(), timing.heartbeatMs);
  timer.unref();
  return {
    async check() {
      if (!lost && (await taken())) lose();
      if (lost) throw lost;
    },
    async release() {
      clearInterval(timer);
      heldHere.delete(dataPath);
      const text = await fs.readFile(mine.path, "utf8").catch(() => "");
      if (parseOwner(text)?.token === owner.token) await fs.unlink(mine.path).catch(() => undefined);
    },
  };
}
