import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { withUser } from "../../src/store/postgres/database.ts";
import { migrateUp } from "../../src/store/postgres/schema.ts";

/** A schema of its own in the test database, migrated: test files run in parallel without meeting. */
export interface TestSchema {
  url: string;
  schema: string;
  /** Empties every table (between tests). */
  truncate(): Promise<void>;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** A new schema (`t_<random>`), migrated to the current version, or left empty with `migrated: false`. */
export async function testSchema(options: { migrated?: boolean } = {}): Promise<TestSchema> {
  const url = inject("databaseUrl");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Pool({ connectionString: withUser(url), max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  if (options.migrated !== false) await migrateUp({ url, schema });
  return {
    url,
    schema,
    async truncate() {
      await admin.query(
        `TRUNCATE ${schema}.users, ${schema}.practice_scores, ${schema}.study_sessions, ${schema}.log_shares, ${schema}.subscriptions, ${schema}.chats`,
      );
    },
    async drop() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
