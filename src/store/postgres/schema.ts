import { readdirSync } from "node:fs";
import { projectPath } from "../../projectPath.ts";
import { StoreError } from "../errors.ts";
import { type Database, redactedUrl, withUser } from "./database.ts";

/**
 * The database's schema, versioned by node-pg-migrate: one SQL file per change in migrations/,
 * applied in name order by `npm run migrate` and recorded in MIGRATIONS_TABLE. A released file is
 * never edited; a change is a new file.
 */

export const MIGRATIONS_TABLE = "pgmigrations";

/** The folder of the migration files. */
export const migrationsDir = (): string => projectPath("src/store/postgres/migrations");

/** The migrations this Stepwise knows, in the order they apply (node-pg-migrate records the name without .sql). */
export function knownMigrations(): string[] {
  return readdirSync(migrationsDir())
    .filter((name) => name.endsWith(".sql"))
    .map((name) => name.slice(0, -".sql".length))
    .sort();
}

/**
 * Stops start-up with one line when the database's schema is not this Stepwise's: behind (say
 * what to run) or ahead (written by a newer Stepwise, as a newer data file is refused).
 */
export async function checkSchema(db: Database): Promise<void> {
  const known = knownMigrations();
  let applied: string[] = [];
  try {
    const { rows } = await db.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
    applied = rows.map((row) => row.name);
  } catch (error) {
    // undefined_table: nothing was ever migrated here.
    if ((error as { code?: string }).code !== "42P01") throw error;
  }
  const where = redactedUrl(db.options.url);
  const newer = applied.filter((name) => !known.includes(name));
  if (newer.length > 0) {
    throw new StoreError(
      `The database ${where} was migrated by a newer Stepwise (migration ${newer[0]}). Upgrade Stepwise, or restore a backup made by this version.`,
    );
  }
  const missing = known.filter((name) => !applied.includes(name));
  if (missing.length > 0) {
    throw new StoreError(
      `The database ${where} is behind this Stepwise (${applied.length} of ${known.length} migrations applied): run \`npm run migrate\` with the same STEPWISE_DATABASE_URL, then start again.`,
    );
  }
}

/** Applies the migrations not yet applied (or the first `count` of them), in one transaction; returns their names. */
export async function migrateUp(
  options: { url: string; schema?: string; count?: number },
  log: (message: string) => void = () => undefined,
): Promise<string[]> {
  // Loaded here only: the bot itself never migrates, so it never loads the migration tool.
  const { runner } = await import("node-pg-migrate");
  const ran = await runner({
    databaseUrl: withUser(options.url),
    dir: migrationsDir(),
    direction: "up",
    ...(options.count === undefined ? {} : { count: options.count }),
    migrationsTable: MIGRATIONS_TABLE,
    ...(options.schema ? { schema: options.schema, createSchema: true } : {}),
    checkOrder: true,
    singleTransaction: true,
    // Several starts migrating at once (tests, a deploy on many hosts) take turns instead of failing.
    advisoryLockMode: "wait",
    log,
  });
  return ran.map((migration) => migration.name);
}
