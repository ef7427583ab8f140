import { type FileHandle, open, readFile, truncate } from "node:fs/promises";
import type { EntityPath } from "./change.ts";
import { StoreError } from "./errors.ts";

/** One durable change: the new value of an entity, or its removal (no `v`). */
export interface JournalRecord {
  k: EntityPath;
  v?: unknown;
}

/** All the records of one change, written as one line so a crash keeps all of it or none. */
export type JournalLine = JournalRecord[];

/**
 * An append-only log of changed entities next to the snapshot. Appending a few hundred bytes and
 * syncing is what makes a write fast with thousands of users on file; the snapshot is rewritten
 * only now and then (compaction). Records hold whole entity values, so replaying one twice is harmless.
 */
export class Journal {
  private constructor(
    readonly path: string,
    private handle: FileHandle,
    /** Bytes in the journal: when it grows past the snapshot's size, the store compacts. */
    public size: number,
  ) {}

  /** Reads the records on disk (dropping a torn last line left by a crash) and opens for appending. */
  static async open(path: string): Promise<{ journal: Journal; records: JournalRecord[] }> {
    let text = "";
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const records: JournalRecord[] = [];
    let good = 0;
    const lines = text.split("\n");
    for (const [index, line] of lines.entries()) {
      const last = index === lines.length - 1;
      if (line === "") continue;
      try {
        if (last) throw new Error("no newline: the write never finished");
        records.push(...(JSON.parse(line) as JournalLine));
        good += Buffer.byteLength(line) + 1;
      } catch (error) {
        // Only the final line can be torn, and it was never acknowledged; anything earlier is damage.
        if (!last && index < lines.length - 2) {
          throw new StoreError(
            `The journal ${path} is damaged at line ${index + 1} (${(error as Error).message}). It was left untouched: restore the data file and journal from a backup, or move both aside to start empty.`,
          );
        }
        break;
      }
    }
    if (good < Buffer.byteLength(text)) await truncate(path, good);
    const handle = await open(path, "a");
    return { journal: new Journal(path, handle, good), records };
  }

  /** Appends changes (one JSON line each) and resolves once they are on disk; on failure the file is cut back. */
  async append(lines: readonly string[]): Promise<void> {
    const text = lines.map((line) => `${line}\n`).join("");
    try {
      await this.handle.write(text);
      await this.handle.datasync();
    } catch (error) {
      await this.handle.truncate(this.size).catch(() => undefined);
      throw error;
    }
    this.size += Buffer.byteLength(text);
  }

  /** Empties the journal once a snapshot holds everything in it. */
  async clear(): Promise<void> {
    await this.handle.truncate(0);
    await this.handle.sync();
    this.size = 0;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Applies journal records to plain (not yet validated) data read from the snapshot. */
export function replay(data: Record<string, unknown>, records: readonly JournalRecord[]): void {
  for (const { k, v } of records) {
    const [field, key] = k;
    if (key === undefined) {
      data[field] = v;
      continue;
    }
    data[field] ??= {};
    const collection = data[field] as Record<string, unknown>;
    if (v === undefined) delete collection[key];
    else collection[key] = v;
  }
}
