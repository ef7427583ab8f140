import { type Leases, type Logger, silentLogger } from "../../core/ports.ts";
import type { Backend } from "../../core/repositories.ts";
import type { LimiterFactory } from "../../limits/limiters.ts";
import { Database, type DatabaseOptions } from "./database.ts";
import { postgresLeases } from "./leases.ts";
import { postgresLimiters } from "./rateLimits.ts";
import { postgresRepositories } from "./repositories.ts";
import { checkSchema } from "./schema.ts";

/** The PostgreSQL backend, and what the processes sharing its database coordinate through. */
export interface PostgresBackend extends Backend {
  readonly leases: Leases;
  readonly limiters: LimiterFactory;
}

/**
 * The PostgreSQL backend (STEPWISE_DATABASE_URL): connects, checks that the schema is this
 * Stepwise's (a one-line StoreError saying what to run when not), and serves the repositories.
 */
export async function openPostgresBackend(
  options: DatabaseOptions,
  logger?: Logger,
): Promise<PostgresBackend> {
  const db = new Database(options);
  try {
    await db.connect();
    await checkSchema(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    repositories: postgresRepositories(db),
    leases: postgresLeases(options, logger ?? silentLogger),
    limiters: postgresLimiters(db),
    close: () => db.close(),
  };
}
