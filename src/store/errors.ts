import { UserError } from "../core/errors.ts";
import { codeOf } from "./file/fileSystem.ts";

/** The data file cannot be used; the message names the file and what to do. Stops start-up. */
export class StoreError extends Error {
  override readonly name = "StoreError";
}

/** Codes of a disk (or the user's quota) that has no room left. */
export const isDiskFull = (error: unknown): boolean => ["ENOSPC", "EDQUOT"].includes(codeOf(error) ?? "");

/** A change could not be saved because the disk is full; it was undone, so nothing changed. */
export class DiskFullError extends UserError {
  constructor() {
    super("Could not save: the server's disk is full, nothing was changed. Please try again later.");
  }
}

const ADVICE: Record<string, string> = {
  ENOSPC: "the disk is full. Free some space and start again; nothing was changed",
  EDQUOT: "the disk quota of the user running Stepwise is used up. Free some space and start again",
  EACCES:
    "permission denied. Give the user running Stepwise read and write access to it and its folder, or point STEPWISE_DATA at a folder it may write to",
  EPERM:
    "the operation is not permitted. Give the user running Stepwise read and write access to it and its folder, or point STEPWISE_DATA elsewhere",
  EROFS: "the file system is read-only. Point STEPWISE_DATA at a writable folder",
  ENOTDIR: "a part of that path is a file, not a folder. Point STEPWISE_DATA at a file inside a folder",
  EISDIR: "it is a folder, not a file. Point STEPWISE_DATA at a file such as data/stepwise.json",
  ELOOP: "it is a loop of symbolic links. Point STEPWISE_DATA at a real file",
  ENAMETOOLONG: "the path is too long. Point STEPWISE_DATA at a shorter one",
};

/**
 * The one-line start-up message for a file operation that failed: what could not be done to which
 * path, and what the operator can do about it. `doing` reads like "create the data folder".
 */
export function fileProblem(error: unknown, doing: string, path: string): StoreError {
  const code = codeOf(error) ?? "";
  const reason = ADVICE[code] ?? (error as Error).message;
  return new StoreError(`Stepwise cannot ${doing} ${path}: ${reason}.`);
}
