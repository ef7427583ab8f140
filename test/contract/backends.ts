import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe } from "vitest";
import type { Backend, Repositories } from "../../src/core/repositories.ts";
import { openFileBackend } from "../../src/store/file/fileStore.ts";
import { MemoryStore, memoryBackend } from "../../src/store/memory/memoryStore.ts";
import { openPostgresBackend } from "../../src/store/postgres/backend.ts";
import { type TestSchema, testSchema } from "../postgres/schema.ts";

/**
 * One place a backend keeps its data, for one test: `open` opens a backend on it (again after a
 * close: a restart), and where `shared`, several at once, as several processes would.
 */
export interface Place {
  open(): Promise<Backend>;
  shared: boolean;
  dispose(): Promise<void>;
}

/** A backend the repository contract runs against. A new backend adds one entry here. */
export interface BackendUnderTest {
  name: string;
  /** Once per test file. */
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
  /** An empty place, once per test. */
  fresh(): Promise<Place>;
}

/** Memory: a restart keeps what the previous backend held (as a process that never stopped would). */
const memory: BackendUnderTest = {
  name: "memory",
  async fresh() {
    let data = new MemoryStore().read();
    return {
      shared: false,
      async open() {
        const backend = memoryBackend(structuredClone(data));
        return {
          repositories: backend.repositories,
          async close() {
            await backend.close();
            data = backend.document.read();
          },
        };
      },
      dispose: async () => undefined,
    };
  },
};

const file: BackendUnderTest = {
  name: "file",
  async fresh() {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-contract-"));
    return {
      shared: false,
      open: () => openFileBackend(join(dir, "stepwise.json")),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

function postgres(): BackendUnderTest {
  let schema: TestSchema | undefined;
  const current = () => {
    if (!schema) throw new Error("the PostgreSQL schema was not set up");
    return schema;
  };
  return {
    name: "postgres",
    async setUp() {
      schema = await testSchema();
    },
    async tearDown() {
      await schema?.drop();
    },
    async fresh() {
      const { url, schema: name, truncate } = current();
      await truncate();
      return {
        shared: true,
        open: () => openPostgresBackend({ url, schema: name, max: 4 }),
        dispose: async () => undefined,
      };
    },
  };
}

const backends = (): BackendUnderTest[] => [memory, file, postgres()];

/** What a contract test has of its backend: the place's backends, opened and restarted. */
export interface OnBackend {
  /** Opens a backend on the test's place (one more process, where the backend is shared). */
  open(): Promise<Repositories>;
  /** Closes every backend open on the place and opens one again: a restart. */
  restart(): Promise<Repositories>;
  /** Whether several backends may be open on the place at once (processes sharing a database). */
  shared(): boolean;
}

/** Runs `tests` once per backend, each test on an empty place, closing what it opened. */
export function describeEachBackend(title: string, tests: (on: OnBackend) => void): void {
  describe.each(backends())(`$name backend: ${title}`, (backend) => {
    let place: Place;
    const opened: Backend[] = [];
    const open = async (): Promise<Repositories> => {
      const started = await place.open();
      opened.push(started);
      return started.repositories;
    };
    const restart = async (): Promise<Repositories> => {
      for (const running of opened.splice(0)) await running.close();
      return open();
    };

    beforeAll(async () => backend.setUp?.());
    afterAll(async () => backend.tearDown?.());
    beforeEach(async () => {
      place = await backend.fresh();
    });
    afterEach(async () => {
      for (const running of opened.splice(0)) await running.close();
      await place.dispose();
    });

    tests({ open, restart, shared: () => place.shared });
  });
}
