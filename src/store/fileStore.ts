import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Low } from "lowdb";
import type { Logger, Store } from "../core/ports.ts";
import { DATA_VERSION, type Data, dataSchema } from "../core/records.ts";
import { applyChange, type EntityPath } from "./change.ts";
import { DurableJsonFile } from "./durableFile.ts";
import { StoreError } from "./errors.ts";
import { Journal, type JournalLine, replay } from "./journal.ts";
import { acquireLock } from "./lock.ts";
import { migrate } from "./migrate.ts";

export interface FileStoreOptions {
  logger?: Logger;
  /**
   * Rewrite the snapshot once the journal holds this many bytes. By default: once it is as large as
   * the snapshot (at least 1 MiB), so a big store is rewritten rarely and replay stays short.
   */
  compactAtBytes?: number;
}

const MIN_COMPACT_BYTES = 1024 * 1024;

interface Pending {
  change: (data: Data) => unknown;
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

/**
 * The default store: a lowdb JSON snapshot (`STEPWISE_DATA`) plus a journal of changes beside it
 * (`<file>.journal`), locked against a second process (`<file>.lock`). `update` resolves only after
 * its change is synced to disk; concurrent changes are committed together with one sync.
 */
export class FileStore implements Store {
  private state: Data;
  private readonly pending: Pending[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly db: Low<Data>,
    private readonly adapter: DurableJsonFile<Data>,
    private readonly journal: Journal,
    private readonly release: () => Promise<void>,
    private readonly compactAtBytes: number | undefined,
    private readonly logger: Logger | undefined,
    initial: Data,
  ) {
    this.state = initial;
  }

  /** Opens (or creates) the store; a damaged or foreign file stops here with a message, untouched. */
  static async open(file: string, options: FileStoreOptions = {}): Promise<FileStore> {
    const path = resolve(file);
    await mkdir(dirname(path), { recursive: true });
    const release = await acquireLock(`${path}.lock`, path);
    try {
      const adapter = new DurableJsonFile<Data>(path);
      const db = new Low<Data>(adapter, { version: DATA_VERSION } as Data);
      await db.read();
      const raw = db.data as unknown as Record<string, unknown>;
      const { journal, records } = await Journal.open(`${path}.journal`);
      replay(raw, records);
      if (typeof raw.version === "number" && raw.version > DATA_VERSION) {
        throw new StoreError(
          `The data file ${path} was written by a newer Stepwise (data version ${raw.version}). Upgrade Stepwise, or restore a backup made by this version.`,
        );
      }
      const migratedFrom = migrate(raw);
      const parsed = dataSchema.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`);
        throw new StoreError(
          `The data file ${path} does not hold valid Stepwise data (${problems.join("; ")}). It was left untouched: restore it from a backup, or move it aside to start with an empty store.`,
        );
      }
      const store = new FileStore(
        path,
        db,
        adapter,
        journal,
        release,
        options.compactAtBytes,
        options.logger,
        parsed.data,
      );
      // A migrated file is written back at once, in the current version.
      if (records.length > 0 || migratedFrom !== undefined) await store.compact();
      return store;
    } catch (error) {
      await release();
      throw error;
    }
  }

  read(): Readonly<Data> {
    return this.state;
  }

  update<T>(change: (data: Data) => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ change, resolve: resolve as (value: unknown) => void, reject });
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

  /** Applies each change, appends them as one write, syncs, then acknowledges. */
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
    try {
      if (lines.length > 0) await this.journal.append(lines);
    } catch (error) {
      for (const [, , undo] of applied.toReversed()) undo();
      for (const [item] of applied) item.reject(error);
      return;
    }
    for (const [item, result] of applied) item.resolve(result);
    const threshold = this.compactAtBytes ?? Math.max(MIN_COMPACT_BYTES, this.adapter.bytes);
    if (this.journal.size >= threshold) await this.compactQuietly();
  }

  private async compactQuietly(): Promise<void> {
    try {
      await this.compact();
    } catch (error) {
      // The journal still holds every change, so nothing is lost; try again after the next writes.
      this.logger?.error(
        { err: error, file: this.path },
        "snapshot write failed; the journal keeps every change",
      );
    }
  }

  /** Writes the whole state as the snapshot, then empties the journal. */
  private async compact(): Promise<void> {
    this.db.data = this.state;
    await this.db.write();
    await this.journal.clear();
  }

  /** Waits for queued writes, writes the snapshot, releases the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    try {
      await this.compact();
    } finally {
      await this.journal.close();
      await this.release();
    }
  }
}
