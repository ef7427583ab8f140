import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import * as z from "zod";
import { dataSchema } from "../../core/records.ts";
import type { EntityPath } from "../document/change.ts";
import { StoreError } from "../errors.ts";
import { codeOf, type FileSystem } from "./fileSystem.ts";

/** One durable change: the new value of an entity, or its removal (no `v`). */
export interface JournalRecord {
  k: EntityPath;
  v?: unknown;
}

/** All the records of one change, written as one line so a crash keeps all of it or none. */
export type JournalLine = JournalRecord[];

type Shape = Record<string, z.ZodType>;
const shape = dataSchema.shape as unknown as Shape;
const unwrap = (schema: z.ZodType): z.ZodType =>
  schema instanceof z.ZodDefault || schema instanceof z.ZodOptional
    ? unwrap(schema.unwrap() as z.ZodType)
    : schema;

/** The stored top-level fields, and those among them that are collections keyed by id. */
export const FIELDS = Object.keys(shape) as [string, ...string[]];
/**
 * Collections an older data version wrote, which a journal left by it may still hold; the
 * migration on load turns them into today's fields (`meta`: version 1's bookkeeping).
 */
const LEGACY_COLLECTIONS = ["meta"];
const COLLECTIONS = [
  ...FIELDS.filter((field) => unwrap(shape[field] as z.ZodType) instanceof z.ZodRecord),
  ...LEGACY_COLLECTIONS,
] as [string, ...string[]];

/** Keys that, assigned on a plain object, reach every object's prototype. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const lineSchema = z.array(
  z.strictObject({
    k: z.union([
      z.tuple([z.enum(FIELDS)]),
      z.tuple([
        z.enum(COLLECTIONS),
        z.string().refine((key) => !UNSAFE_KEYS.has(key), "__proto__, constructor and prototype are not ids"),
      ]),
    ]),
    v: z.unknown().optional(),
  }),
);

const damaged = (path: string, line: number, why: string) =>
  new StoreError(
    `The journal ${path} is damaged at line ${line} (${why}). It was left untouched: restore the data file and journal from a backup, or move both aside to start empty.`,
  );

/** The records of one complete line, or why it is not one (a torn write, or damage). */
function parseLine(path: string, number: number, text: string): JournalRecord[] | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  const parsed = lineSchema.safeParse(json);
  if (parsed.success) return parsed.data as JournalRecord[];
  // A line that parses was written whole: a bad key in it is damage (or tampering), never a torn write.
  const issue = parsed.error.issues[0];
  throw damaged(path, number, `not a Stepwise change: ${issue?.path.join(".")}: ${issue?.message}`);
}

/**
 * An append-only log of changed entities next to the snapshot. Appending a few hundred bytes and
 * syncing is what makes a write fast with thousands of users on file; the snapshot is rewritten
 * only now and then (compaction). Records hold whole entity values, so replaying one twice is
 * harmless. Writes go to explicit offsets: a failed or short write is cut back to the last
 * complete line, so nothing written later can land behind a torn or zero-filled gap.
 */
export class Journal {
  /** A failed write could not be cut back: cut it back before the next one. */
  private broken = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** Bytes of complete lines: when it grows past the snapshot's size, the store compacts. */
    public size: number,
  ) {}

  /**
   * Reads the records on disk and opens for writing. A torn or zero-filled end left by a crash
   * (no complete line after it) is cut off; a bad line followed by a good one would hide a write,
   * so that, and any line with unknown or unsafe keys, stops start-up naming the line.
   */
  static async open(
    fs: FileSystem,
    path: string,
    mode: number,
  ): Promise<{ journal: Journal; records: JournalRecord[] }> {
    let bytes = Buffer.alloc(0);
    try {
      bytes = await fs.readFile(path);
    } catch (error) {
      if (codeOf(error) !== "ENOENT") throw error;
    }
    const records: JournalRecord[] = [];
    let good = 0;
    let bad: { line: number; why: string } | undefined;
    for (let start = 0, number = 1; start < bytes.length; number++) {
      const end = bytes.indexOf(0x0a, start);
      const next = end === -1 ? bytes.length : end + 1;
      const parsed =
        end === -1
          ? "no newline: the write never finished"
          : parseLine(path, number, bytes.subarray(start, end).toString("utf8"));
      if (typeof parsed === "string") {
        bad ??= { line: number, why: parsed };
      } else {
        if (bad) throw damaged(path, bad.line, bad.why);
        records.push(...parsed);
        good = next;
      }
      start = next;
    }
    const handle = await fs.open(path, constants.O_RDWR | constants.O_CREAT, mode);
    const journal = new Journal(path, handle, good);
    if (good < bytes.length) {
      journal.broken = true;
      await journal.repair();
    }
    return { journal, records };
  }

  /** Appends changes (one JSON line each) and resolves once they are on disk; on failure the file is cut back. */
  async append(lines: readonly string[]): Promise<void> {
    if (this.broken) await this.repair();
    const data = Buffer.from(lines.map((line) => `${line}\n`).join(""));
    try {
      for (let written = 0; written < data.length; ) {
        // A full disk may first accept part of a write (a short write), then refuse the rest.
        const { bytesWritten } = await this.handle.write(
          data,
          written,
          data.length - written,
          this.size + written,
        );
        if (bytesWritten === 0) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
        written += bytesWritten;
      }
      await this.handle.datasync();
    } catch (error) {
      this.broken = true;
      await this.repair().catch(() => undefined);
      throw error;
    }
    this.size += data.length;
  }

  /** Takes back everything after `size` (a size read before an append): those changes never happened. */
  async rollback(size: number): Promise<void> {
    this.size = size;
    this.broken = true;
    await this.repair();
  }

  /** Cuts the file back to its complete lines (shrinking needs no free space). */
  private async repair(): Promise<void> {
    await this.handle.truncate(this.size);
    await this.handle.datasync();
    this.broken = false;
  }

  /** Empties the journal once a snapshot holds everything in it. */
  async clear(): Promise<void> {
    this.size = 0;
    this.broken = true;
    await this.repair();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Applies journal records (validated by `Journal.open`) to plain data read from the snapshot. */
export function replay(data: Record<string, unknown>, records: readonly JournalRecord[]): void {
  for (const { k, v } of records) {
    const [field, key] = k;
    if (key === undefined) {
      data[field] = v;
      continue;
    }
    data[field] ??= {};
    const collection = data[field];
    // Not an object: the schema check after replay refuses the file, naming the field.
    if (collection === null || typeof collection !== "object") continue;
    if (v === undefined) delete (collection as Record<string, unknown>)[key];
    else (collection as Record<string, unknown>)[key] = v;
  }
}
