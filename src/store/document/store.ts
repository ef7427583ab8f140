import type { Data } from "../../core/records.ts";

export interface UpdateOptions {
  /**
   * The change deletes personal data (/forget, /score remove, /nudge stop in a private chat):
   * resolve only once no file on disk holds what it removed, not even the journal of earlier changes.
   */
  erase?: boolean;
}

/**
 * The embedded backends' storage: one document, changed through `update`. Changes run one at a
 * time; `update` resolves only once the change is durable, so a reply sent after it is never lost.
 * A change that throws leaves the data as it was. What the change returns is handed back as a
 * plain copy (return parts of the draft freely; do not structuredClone them, they are proxies).
 * Only the document repositories (repositories.ts) use it: nothing else sees the whole document.
 */
export interface DocumentStore {
  /** The current data. Treat as read-only: change it only inside `update`. */
  read(): Readonly<Data>;
  update<T>(change: (data: Data) => T, options?: UpdateOptions): Promise<T>;
  /** Flushes and releases the file (and its lock). */
  close(): Promise<void>;
}
