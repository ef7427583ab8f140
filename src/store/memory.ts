import type { Store } from "../engine/ports.ts";
import { type Data, dataSchema, emptyData } from "../engine/records.ts";

/** A store in memory, for tests and the bench: same semantics as the file store, no disk. */
export class MemoryStore implements Store {
  private data: Data;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(initial: Data = emptyData()) {
    this.data = dataSchema.parse(structuredClone(initial));
  }

  read(): Readonly<Data> {
    return this.data;
  }

  update<T>(change: (data: Data) => T): Promise<T> {
    const run = this.queue.then(() => {
      // Work on a copy so a change that throws leaves the data untouched.
      const draft = structuredClone(this.data);
      const result = change(draft);
      this.data = draft;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
  }
}
