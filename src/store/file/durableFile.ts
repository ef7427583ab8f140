import { basename, dirname } from "node:path";
import type { Adapter } from "lowdb";
import { StoreError } from "../errors.ts";
import { codeOf, type FileSystem } from "./fileSystem.ts";

/** Where a snapshot is written before it replaces the file: `<data>.<pid>.tmp`, beside it. */
export const temporaryPath = (path: string): string => `${path}.${process.pid}.tmp`;

/** Whether a file name in the data folder is a snapshot's temporary file (left by a crash). */
export const isTemporaryOf = (path: string, name: string): boolean =>
  name.startsWith(`${basename(path)}.`) && /^\.\d+\.tmp$/.test(name.slice(basename(path).length));

/** The new snapshot replaced the old, but its folder could not be synced: a power cut may undo that. */
export class SnapshotNotSyncedError extends Error {
  override readonly name = "SnapshotNotSyncedError";
}

/**
 * Writes a whole file so that after a crash it holds either the old or the new text, never a mix.
 * The temporary file is removed if anything fails; `mode` is set exactly (open's is cut by the umask).
 */
export async function writeFileDurably(
  fs: FileSystem,
  path: string,
  text: string,
  mode: number,
): Promise<void> {
  const temporary = temporaryPath(path);
  try {
    const handle = await fs.open(temporary, "w", mode);
    try {
      // Best effort: some mounted file systems (SMB, FAT) have no Unix modes and refuse chmod.
      await handle.chmod(mode).catch(() => undefined);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.unlink(temporary).catch(() => undefined);
    throw error;
  }
  // The rename itself lives in the directory: sync it too, or a power cut can undo it.
  try {
    const dir = await fs.open(dirname(path), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    throw new SnapshotNotSyncedError(`the folder of ${path} could not be synced`, { cause: error });
  }
}

/**
 * lowdb's adapter for the snapshot file. Unlike lowdb's JSONFile it fsyncs before the rename, keeps
 * the file's mode, and refuses a file it cannot read as Stepwise data (never replacing it with
 * defaults, as lowdb does with `null`).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  /** Size of the snapshot as last read or written. */
  bytes = 0;

  constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
    /** Permission bits for the file: those it already has, or 0600 for a new one. */
    private readonly mode: number,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await this.fs.readFile(this.path, "utf8");
    } catch (error) {
      if (codeOf(error) === "ENOENT") return null;
      throw error;
    }
    this.bytes = Buffer.byteLength(text);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new StoreError(
        `The data file ${this.path} is not valid JSON (${(error as Error).message}); it may be truncated. It was left untouched: restore it from a backup, or move it aside to start with an empty store.`,
      );
    }
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      const what = data === null ? "null" : Array.isArray(data) ? "a list" : `a ${typeof data}`;
      throw new StoreError(
        `The data file ${this.path} does not hold Stepwise data (it holds ${what}). It was left untouched: restore it from a backup, or move it aside to start with an empty store.`,
      );
    }
    return data as T;
  }

  write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    this.bytes = Buffer.byteLength(text);
    return writeFileDurably(this.fs, this.path, text, this.mode);
  }
}
