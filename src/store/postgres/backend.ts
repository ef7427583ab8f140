import type { Backend } from "../../core/repositories.ts";
import { Database, type DatabaseOptions } from "./database.ts";
import { postgresRepositories } from "./repositories.ts";
import { checkSchema } from "./schema.ts";

/**
 * The PostgreSQL backend (STEPWISE_DATABASE_URL): connects, checks that the schema is this
 * Stepwise's (a one-line StoreError saying what to run when not), and serves the repositories.
 */
export async function openPostgresBackend(options: DatabaseOptions): Promise<Backend> {
  const db = new Database(options);
  try {
    await db.connect();
    await checkSchema(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { repositories: postgresRepositories(db), close: () => db.close() };
}
