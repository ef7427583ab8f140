import { type Data, dataSchema, emptyData } from "../../core/records.ts";
import type { Backend } from "../../core/repositories.ts";
import { applyChange } from "../document/change.ts";
import { documentBackend } from "../document/repositories.ts";
import type { DocumentStore, UpdateOptions } from "../document/store.ts";

/** A store in memory, for tests and the bench: the file store's semantics without the disk. */
export class MemoryStore implements DocumentStore {
  private data: Data;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(initial: Data = emptyData()) {
    this.data = dataSchema.parse(structuredClone(initial));
  }

  read(): Readonly<Data> {
    return this.data;
  }

  /** Nothing is on disk, so an erasing change needs nothing more. */
  update<T>(change: (data: Data) => T, _options?: UpdateOptions): Promise<T> {
    const run = this.queue.then(() => {
      return applyChange(this.data, change).result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
  }
}

/** The memory backend: the document repositories over a MemoryStore (tests, the bench, one-off scripts). */
export function memoryBackend(initial?: Data): Backend & { document: MemoryStore } {
  return documentBackend(new MemoryStore(initial));
}
