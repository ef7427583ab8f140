import * as fs from "node:fs/promises";

/**
 * The file operations the store makes, passed in so a test can make any one of them fail as a
 * full disk would (ENOSPC, a short write), at every write point, on any machine.
 */
export type FileSystem = Pick<
  typeof fs,
  "open" | "readFile" | "rename" | "unlink" | "mkdir" | "readdir" | "stat" | "lstat" | "realpath" | "utimes"
>;

export const nodeFileSystem: FileSystem = fs;

/** The errno code of a failed file operation ("ENOSPC"), or of the error that caused it. */
export function codeOf(error: unknown): string | undefined {
  const failed = error as (NodeJS.ErrnoException & { cause?: unknown }) | undefined;
  return failed?.code ?? (failed?.cause === undefined ? undefined : codeOf(failed.cause));
}
