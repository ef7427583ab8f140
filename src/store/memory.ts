import type { Store, UpdateOptions } from "../core/ports.ts";
import { type Data, dataSchema, emptyData } from "../core/records.ts";
import { applyChange } from "./change.ts";

/** A store in memory, for tests and the bench: the file store's semantics without the disk. */
export class MemoryStore implements Store {
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
