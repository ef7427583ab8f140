import { createHash } from "node:crypto";
import pg from "pg";
import type { Leases, Logger } from "../../core/ports.ts";
import { type DatabaseOptions, withUser } from "./database.ts";

/** The first key of every Stepwise advisory lock ("St"), so other applications' locks never collide. */
const NAMESPACE = 0x5374;

/** The lock's second key: 32 bits of a hash of the schema and name (advisory locks are per database). */
function keyOf(name: string, schema: string | undefined): number {
  return createHash("sha256")
    .update(`${schema ?? "public"}\0${name}`)
    .digest()
    .readInt32BE(0);
}

/**
 * Locks across the processes sharing the database: PostgreSQL session advisory locks
 * (pg_try_advisory_lock), each held on a connection of its own for as long as the lease lasts.
 * A process that dies loses its connection, and with it the lock, so the next start can take it.
 */
export function postgresLeases(options: DatabaseOptions, logger: Logger): Leases {
  return {
    async acquire(name) {
      const client = new pg.Client({ connectionString: withUser(options.url), keepAlive: true });
      const key = keyOf(name, options.schema);
      await client.connect();
      let held = false;
      try {
        const { rows } = await client.query<{ held: boolean }>(
          "SELECT pg_try_advisory_lock($1, $2) AS held",
          [NAMESPACE, key],
        );
        held = rows[0]?.held === true;
      } finally {
        if (!held) await client.end();
      }
      if (!held) return undefined;
      let released = false;
      client.on("error", (error) => {
        // The server ended the session, and the lock with it: another process may now take it.
        if (!released)
          logger.error({ err: error, lease: name }, "lost the database connection holding a lock");
      });
      return {
        async release() {
          released = true;
          // Ending the session releases its locks.
          await client.end().catch(() => undefined);
        },
      };
    },
  };
}
