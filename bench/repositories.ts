import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { DATA_VERSION } from "../src/core/records.ts";
import type { Backend, Repositories } from "../src/core/repositories.ts";
import { openFileBackend } from "../src/store/file/fileStore.ts";
import { openPostgresBackend } from "../src/store/postgres/backend.ts";
import { withUser } from "../src/store/postgres/database.ts";
import { scratchDatabase, startTestServer } from "../test/postgres/server.ts";
import { ms, percentile, type Row } from "./stats.ts";
import { user } from "./store.ts";

const NOW = "2026-11-25T12:00:00.000Z";
const WARM_UP = 100;

/**
 * Repository writes as commands make them (a profile change, then a practice score, alternately,
 * each for another of `users` people), one after another: the latency of each, acknowledged =
 * durable. The first WARM_UP are not counted (connections opened, caches filled).
 */
async function writeLatencies(store: Repositories, users: number, writes: number): Promise<number[]> {
  const samples: number[] = [];
  for (let n = 0; n < WARM_UP + writes; n++) {
    const id = `telegram:${(n * 7919) % users}`;
    const at = new Date(Date.parse(NOW) + n * 1000);
    const started = performance.now();
    if (n % 2 === 0) await store.profiles.update(id, { step2ck_score: 200 + (n % 100) }, at);
    else {
      await store.scores.add(
        id,
        {
          exam: "step2ck",
          test: "UWSA 2",
          kind: "scaled",
          value: 240,
          date: "2026-11-20",
          added_at: at.toISOString(),
        },
        at,
      );
    }
    if (n >= WARM_UP) samples.push(performance.now() - started);
  }
  return samples;
}

function rows(where: string, samples: number[], target?: number): Row[] {
  const p99 = percentile(samples, 99);
  return [
    { figure: `Repository write p50 (${where})`, value: ms(percentile(samples, 50)) },
    {
      figure: `Repository write p99 (${where})`,
      value: ms(p99),
      ...(target === undefined ? {} : { target: `<= ${target} ms`, met: p99 <= target }),
    },
  ];
}

async function measured(open: () => Promise<Backend>, users: number, writes: number): Promise<number[]> {
  const backend = await open();
  try {
    return await writeLatencies(backend.repositories, users, writes);
  } finally {
    await backend.close();
  }
}

/** The data file with `users` people, written whole (as a long-running bot's snapshot would be). */
async function fileFigures(users: number, writes: number): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), "stepwise-bench-repositories-"));
  try {
    const path = join(dir, "stepwise.json");
    const people = Object.fromEntries(Array.from({ length: users }, (_, i) => [`telegram:${i}`, user(i)]));
    await writeFile(
      path,
      JSON.stringify({ version: DATA_VERSION, users: people, subscriptions: {}, chats: {} }),
    );
    const samples = await measured(() => openFileBackend(path), users, writes);
    return rows(`JSON file, ${users.toLocaleString("en")} users`, samples);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same on PostgreSQL over loopback: STEPWISE_TEST_DATABASE_URL's server, or a throwaway one
 * (with fsync on, so commits are real), in a database of its own, seeded in SQL.
 */
async function postgresFigures(users: number, writes: number): Promise<Row[]> {
  const server = await startTestServer({ durable: true });
  const database = await scratchDatabase(server.url, "bench");
  try {
    const { url } = database;
    const seed = new pg.Client({ connectionString: withUser(url) });
    await seed.connect();
    const { scores: _scores, ...sample } = user(0);
    await seed.query(
      `INSERT INTO users (id, profile, next_score_id, created_at, updated_at)
       SELECT 'telegram:' || i, $1::jsonb, 5, $2, $2 FROM generate_series(0, $3 - 1) AS i`,
      [JSON.stringify(sample.profile), NOW, users],
    );
    await seed.query(
      `INSERT INTO practice_scores (user_id, id, exam, test, kind, value, date, added_at)
       SELECT 'telegram:' || i, j, 'step2ck', 'NBME ' || (9 + j), 'scaled', 221 + j * 4, '2026-10-01', $1
       FROM generate_series(0, $2 - 1) AS i, generate_series(1, 4) AS j`,
      [NOW, users],
    );
    await seed.query("ANALYZE");
    await seed.end();
    const samples = await measured(() => openPostgresBackend({ url }), users, writes);
    const which = process.env.STEPWISE_TEST_DATABASE_URL ? "server" : "throwaway server";
    return rows(`PostgreSQL ${which} over loopback, ${users.toLocaleString("en")} users`, samples, 5);
  } finally {
    await database.drop();
    await server.stop();
  }
}

/** Repository write latency with 100,000 users on PostgreSQL, and on the JSON file beside it. */
export async function benchRepositories(users = 100_000, writes = 2_000): Promise<Row[]> {
  return [...(await postgresFigures(users, writes)), ...(await fileFigures(users, writes))];
}
