import { dirname, resolve } from "node:path";
import { Low } from "lowdb";
import type { Logger } from "../../core/ports.ts";
import { DATA_VERSION, type Data, dataSchema } from "../../core/records.ts";
import type { Backend } from "../../core/repositories.ts";
import { clip } from "../../core/text.ts";
import { applyChange, type EntityPath } from "../document/change.ts";
import { documentBackend } from "../document/repositories.ts";
import type { DocumentStore, UpdateOptions } from "../document/store.ts";
import { DiskFullError, fileProblem, isDiskFull, StoreError } from "../errors.ts";
import { DurableJsonFile, isTemporaryOf, SnapshotNotSyncedError } from "./durableFile.ts";
import { codeOf, type FileSystem, nodeFileSystem } from "./fileSystem.ts";
import { FIELDS, Journal, type JournalLine, replay } from "./journal.ts";
import { acquireLock, type Lock, type LockTiming } from "./lock.ts";
import { migrate } from "./migrate.ts";

export interface FileStoreOptions {
  logger?: Logger;
  /**
   * Rewrite the snapshot once the journal holds this many bytes. By default: once it is as large as
   * the snapshot (at least 1 MiB), so a big store is rewritten rarely and replay stays short.
   */
  compactAtBytes?: number;
  /** The file operations to use (tests pass ones that fail like a full disk). */
  fs?: FileSystem;
  /** The lock's heartbeat and staleness (tests shorten them). */
  lock?: LockTiming;
}

const MIN_COMPACT_BYTES = 1024 * 1024;
/** Permission bits of a data file Stepwise creates: personal data, readable by its owner only. */
const NEW_FILE_MODE = 0o600;

interface Pending {
  change: (data: Data) => unknown;
  erase: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The journal line (JSON) of one change: the new value of every entity it touched. */
function lineFor(state: Data, touched: readonly EntityPath[]): string {
  const fields = state as unknown as Record<string, Record<string, unknown> | undefined>;
  const line: JournalLine = touched.map((path) => {
    const [field, key] = path;
    const value = key === undefined ? fields[field] : fields[field]?.[key];
    return value === undefined ? { k: path } : { k: path, v: value };
  });
  return JSON.stringify(line);
}

/** The file STEPWISE_DATA names, through a symbolic link if it is one (so it is written, not replaced). */
async function dataPath(fs: FileSystem, path: string): Promise<string> {
  try {
    return await fs.realpath(path);
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw fileProblem(error, "find the data file", path);
    if ((await fs.lstat(path).catch(() => undefined))?.isSymbolicLink()) {
      throw new StoreError(
        `The data file ${path} is a symbolic link to a file that does not exist. Fix the link, or point STEPWISE_DATA at a real file.`,
      );
    }
    return path;
  }
}

/** The data file's permission bits, kept when it is rewritten; a new file gets 0600. */
async function modeOf(fs: FileSystem, path: string): Promise<number> {
  try {
    return (await fs.stat(path)).mode & 0o777;
  } catch (error) {
    if (codeOf(error) === "ENOENT") return NEW_FILE_MODE;
    throw error;
  }
}

/** Snapshot temporary files left by killed processes: they hold whole copies of the data. */
async function removeTemporaryFiles(fs: FileSystem, path: string): Promise<void> {
  for (const name of await fs.readdir(dirname(path))) {
    if (isTemporaryOf(path, name)) await fs.unlink(resolve(dirname(path), name));
  }
}

/** Validates the raw data; unknown fields are refused, never dropped silently by the next write. */
function checkData(path: string, raw: Record<string, unknown>): Data {
  if (typeof raw.version === "number" && raw.version > DATA_VERSION) {
    throw new StoreError(
      `The data file ${path} was written by a newer Stepwise (data version ${raw.version}). Upgrade Stepwise, or restore a backup made by this version.`,
    );
  }
  const leftAlone =
    "It was left untouched: restore it from a backup, or move it aside to start with an empty store.";
  const parsed = dataSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new StoreError(
      `The data file ${path} does not hold valid Stepwise data (${problems.join("; ")}). ${leftAlone}`,
    );
  }
  const data = parsed.data as unknown as Record<string, Record<string, unknown>>;
  const unknown = Object.keys(raw).flatMap((field) => {
    if (!FIELDS.includes(field)) return [field];
    const value = raw[field];
    if (value === null || typeof value !== "object") return [];
    // Entries the schema dropped: only keys like __proto__, which no id can be.
    return Object.keys(value).flatMap((key) =>
      Object.hasOwn(data[field] ?? {}, key) ? [] : [`${field}.${key}`],
    );
  });
  if (unknown.length > 0) {
    const names = unknown.slice(0, 3).map((name) => `"${clip(name, 41)}"`);
    throw new StoreError(
      `The data file ${path} has fields this Stepwise does not know (${names.join(", ")}), which the next write would drop. If a newer or modified Stepwise wrote it, run that one; otherwise remove those fields. ${leftAlone}`,
    );
  }
  return parsed.data;
}

/**
 * The default store: a lowdb JSON snapshot (`STEPWISE_DATA`) plus a journal of changes beside it
 * (`<file>.journal`), locked against a second process (`<file>.lock.<n>`). `update` resolves only
 * after its change is synced to disk; concurrent changes are committed together with one sync. A
 * change that cannot be synced (a full disk) is undone and rejected, so the reply never claims it.
 */
export class FileStore implements DocumentStore {
  private state: Data;
  private readonly pending: Pending[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;
  /** An erasing change is durable but older copies may remain on disk: compact at the next chance. */
  private erasePending = false;

  private constructor(
    readonly path: string,
    private readonly db: Low<Data>,
    private readonly adapter: DurableJsonFile<Data>,
    private readonly journal: Journal,
    private readonly lock: Lock,
    private readonly options: FileStoreOptions,
    initial: Data,
  ) {
    this.state = initial;
  }

  /**
   * Opens (or creates) the store. A damaged or foreign file, or a file problem (full disk, no
   * permission), stops here with a one-line StoreError, leaving every file as it was.
   */
  static async open(file: string, options: FileStoreOptions = {}): Promise<FileStore> {
    const fs = options.fs ?? nodeFileSystem;
    const path = await dataPath(fs, resolve(file));
    try {
      await fs.mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw fileProblem(error, "create the data folder", dirname(path));
    }
    const lock = await acquireLock(path, {
      fs,
      logger: options.logger,
      timing: options.lock,
      onLost: (error) => options.logger?.error({ file: path }, error.message),
    }).catch((error: unknown) => {
      throw error instanceof StoreError ? error : fileProblem(error, "lock the data file", path);
    });
    let journal: Journal | undefined;
    try {
      await removeTemporaryFiles(fs, path);
      const mode = await modeOf(fs, path);
      const adapter = new DurableJsonFile<Data>(fs, path, mode);
      const db = new Low<Data>(adapter, { version: DATA_VERSION } as Data);
      await db.read();
      const raw = db.data as unknown as Record<string, unknown>;
      const opened = await Journal.open(fs, `${path}.journal`, mode).catch((error: unknown) => {
        throw error instanceof StoreError ? error : fileProblem(error, "open the journal", `${path}.journal`);
      });
      journal = opened.journal;
      replay(raw, opened.records);
      // A file from an older Stepwise is brought up to this version, checked, and written back at once.
      const migratedFrom = migrate(raw);
      const data = checkData(path, raw);
      const store = new FileStore(path, db, adapter, journal, lock, options, data);
      if (opened.records.length > 0 || migratedFrom !== undefined) await store.compact();
      return store;
    } catch (error) {
      await journal?.close();
      await lock.release();
      throw error instanceof StoreError ? error : fileProblem(error, "open the data file", path);
    }
  }

  read(): Readonly<Data> {
    return this.state;
  }

  update<T>(change: (data: Data) => T, options: UpdateOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        change,
        erase: options.erase === true,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (!this.running) {
        this.running = true;
        this.flushing = this.flush();
      }
    });
  }

  /** Commits everything queued, batch by batch, until the queue is empty. */
  private async flush(): Promise<void> {
    // Let the changes made in this tick join one batch (one sync for all).
    await Promise.resolve();
    try {
      // No await may sit between the last emptiness check and `running = false`.
      while (this.pending.length > 0) await this.commit(this.pending.splice(0));
    } finally {
      this.running = false;
    }
  }

  /**
   * Applies each change, appends them as one write and syncs; a batch with an erasing change also
   * rewrites the snapshot and empties the journal, so no file keeps what it removed. Only then are
   * the changes acknowledged. If that fails before the new snapshot is in place, the journal is cut
   * back and the changes undone: nothing changed, on disk or in memory.
   */
  private async commit(batch: Pending[]): Promise<void> {
    const lines: string[] = [];
    const applied: Array<[Pending, unknown, () => void]> = [];
    for (const item of batch) {
      try {
        const { result, touched, undo } = applyChange(this.state, item.change);
        // Serialized now: a later change in this batch must not alter what this line says.
        if (touched.length > 0) lines.push(lineFor(this.state, touched));
        applied.push([item, result, undo]);
      } catch (error) {
        item.reject(error);
      }
    }
    const before = this.journal.size;
    // Nothing removed, nothing to erase: a person with no data cannot make every write wait on a rewrite.
    const erasing = lines.length > 0 && applied.some(([item]) => item.erase);
    try {
      await this.lock.check();
      if (lines.length > 0) await this.journal.append(lines);
      if (erasing) await this.eraseOldCopies();
    } catch (error) {
      await this.failed(error, applied, before);
      return;
    }
    for (const [item, result] of applied) item.resolve(result);
    const threshold = this.options.compactAtBytes ?? Math.max(MIN_COMPACT_BYTES, this.adapter.bytes);
    if (this.erasePending || this.journal.size >= threshold) await this.compactQuietly();
  }

  /**
   * Rewrites the snapshot and empties the journal, so no file keeps what an erasing change removed
   * (earlier journal lines hold it). Throws only while the old snapshot is still in place; once the
   * new one is, the change is durable and what is left to do is retried after every later write.
   */
  private async eraseOldCopies(): Promise<void> {
    try {
      await this.writeSnapshot();
    } catch (error) {
      if (!(error instanceof SnapshotNotSyncedError)) throw error;
      return this.eraseLater(error);
    }
    await this.journal.clear().catch((error: unknown) => this.eraseLater(error));
  }

  private eraseLater(error: unknown): void {
    this.erasePending = true;
    this.options.logger?.error(
      { err: error, file: this.path },
      "an erasing change is saved, but older copies may remain on disk until the next snapshot",
    );
  }

  /** Rejects a batch that could not be made durable: the journal is cut back and the changes undone. */
  private async failed(error: unknown, applied: Array<[Pending, unknown, () => void]>, before: number) {
    // If this fails too, the journal stays marked broken and is cut back before the next append.
    await this.journal.rollback(before).catch(() => undefined);
    for (const [, , undo] of applied.toReversed()) undo();
    const full = isDiskFull(error);
    if (full) {
      this.options.logger?.error(
        { err: error, file: this.path },
        "a change could not be saved because the disk is full; it was undone",
      );
    }
    for (const [item] of applied) item.reject(full ? new DiskFullError() : error);
  }

  private async compactQuietly(): Promise<void> {
    try {
      await this.compact();
    } catch (error) {
      // The journal still holds every change, so nothing is lost; try again after the next writes.
      this.options.logger?.error(
        { err: error, file: this.path, erasePending: this.erasePending },
        "snapshot write failed; the journal keeps every change",
      );
    }
  }

  private async writeSnapshot(): Promise<void> {
    this.db.data = this.state;
    await this.db.write();
  }

  /** Writes the whole state as the snapshot, then empties the journal. */
  private async compact(): Promise<void> {
    await this.writeSnapshot();
    await this.journal.clear();
    this.erasePending = false;
  }

  /** Waits for queued writes, writes the snapshot (the journal keeps everything if it cannot), releases the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    try {
      await this.lock.check();
      await this.compactQuietly();
    } catch {
      // Another process took the file over (logged when it happened): leave its files alone.
    } finally {
      await this.journal.close();
      await this.lock.release();
    }
  }
}

/** The file backend (the embedded default): the document repositories over a FileStore. */
export async function openFileBackend(
  file: string,
  options: FileStoreOptions = {},
): Promise<Backend & { document: FileStore }> {
  return documentBackend(await FileStore.open(file, options));
}
