import { open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { Adapter } from "lowdb";
import { StoreError } from "./errors.ts";

/** Writes a whole file so that after a crash it holds either the old or the new text, never a mix. */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, "w");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  // The rename itself lives in the directory: sync it too, or a power cut can undo it.
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * lowdb's adapter for the snapshot file. Unlike lowdb's JSONFile it fsyncs before the rename,
 * and an unreadable file is reported (never replaced with defaults).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  /** Size of the snapshot as last read or written. */
  bytes = 0;

  constructor(private readonly path: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new StoreError(`The data file ${this.path} cannot be read (${(error as Error).message}).`);
    }
    this.bytes = Buffer.byteLength(text);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new StoreError(
        `The data file ${this.path} is not valid JSON (${(error as Error).message}); it may be truncated. It was left untouched: restore it from a backup, or move it aside to start with an empty store.`,
      );
    }
  }

  write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    this.bytes = Buffer.byteLength(text);
    return writeFileDurably(this.path, text);
  }
}
