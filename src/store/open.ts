import { type Leases, type Logger, soleProcess } from "../core/ports.ts";
import type { Backend } from "../core/repositories.ts";
import { inMemory, type LimiterFactory } from "../limits/limiters.ts";
import { openFileBackend } from "./file/fileStore.ts";

export interface StoreSettings {
  STEPWISE_DATA: string;
  STEPWISE_DATABASE_URL?: string | undefined;
}

/** An open backend, and what the processes sharing it coordinate through. */
export interface Storage extends Backend {
  /** Other processes may use it at the same time (a database); the data file has one process. */
  readonly shared: boolean;
  /** Locks one process holds among those sharing the backend. */
  readonly leases: Leases;
  /** Where rate budgets are kept: in the database when shared, so they hold across processes. */
  readonly limiters: LimiterFactory;
}

/** The backend the settings choose: PostgreSQL when STEPWISE_DATABASE_URL is set, else the data file. */
export async function openBackend(settings: StoreSettings, logger: Logger): Promise<Storage> {
  if (settings.STEPWISE_DATABASE_URL) {
    // Loaded only here: a bot on its data file never loads the PostgreSQL driver.
    const { openPostgresBackend } = await import("./postgres/backend.ts");
    return { ...(await openPostgresBackend({ url: settings.STEPWISE_DATABASE_URL }, logger)), shared: true };
  }
  const file = await openFileBackend(settings.STEPWISE_DATA, { logger });
  // The data file is locked to one process: nothing to share, no lock to take.
  return {
    repositories: file.repositories,
    close: () => file.close(),
    shared: false,
    leases: soleProcess,
    limiters: inMemory,
  };
}
