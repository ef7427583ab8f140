import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { StoreError } from "../../src/store/errors.ts";
import { openFileBackend } from "../../src/store/file/fileStore.ts";
import { openPostgresBackend } from "../../src/store/postgres/backend.ts";
import { withUser } from "../../src/store/postgres/database.ts";
import { MIGRATIONS_TABLE, migrateUp } from "../../src/store/postgres/schema.ts";
import { testSchema } from "../postgres/schema.ts";

const run = promisify(execFile);

/** Runs one of the program's entry points as `npm` would, on the database given; never rejects. */
async function program(
  file: string,
  url: string,
  args: string[] = [],
  input = "",
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = run(process.execPath, ["--import", "tsx", file, ...args], {
    env: { ...process.env, STEPWISE_DATABASE_URL: url, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "" },
  });
  child.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("PostgreSQL schema at start-up", () => {
  it("GIVEN a database never migrated THEN opening it stops with one line saying what to run", async () => {
    const schema = await testSchema({ migrated: false });
    try {
      const error = await openPostgresBackend({ url: schema.url, schema: schema.schema }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(
        /is behind this Stepwise \(0 of 4 migrations applied\): run `npm run migrate`/,
      );
      expect((error as Error).message).not.toContain("\n");
      expect(await migrateUp({ url: schema.url, schema: schema.schema })).toEqual([
        "001_initial",
        "002_rate_limits",
        "003_roadmap",
        "004_study_log",
      ]);
      expect(await migrateUp({ url: schema.url, schema: schema.schema })).toEqual([]);
      await (await openPostgresBackend({ url: schema.url, schema: schema.schema })).close();
    } finally {
      await schema.drop();
    }
  });

  it("GIVEN a database at the first migration with a nudge saved THEN 003_roadmap keeps it, and it can then follow a Match", async () => {
    const schema = await testSchema({ migrated: false });
    const admin = new pg.Client({ connectionString: withUser(schema.url) });
    await admin.connect();
    try {
      expect(await migrateUp({ url: schema.url, schema: schema.schema, count: 1 })).toEqual(["001_initial"]);
      await admin.query(
        `INSERT INTO ${schema.schema}.subscriptions (address, chat_kind, time, timezone, exam, started_day, next_day, next_at)
         VALUES ('chat:-1', 'group', '08:00', 'UTC', 'step2ck', '2026-06-01', '2026-06-01', '2026-06-01T08:00:00Z')`,
      );
      expect(await migrateUp({ url: schema.url, schema: schema.schema })).toEqual([
        "002_rate_limits",
        "003_roadmap",
        "004_study_log",
      ]);
      const backend = await openPostgresBackend({ url: schema.url, schema: schema.schema });
      try {
        const { subscriptions } = backend.repositories;
        const kept = await subscriptions.get("chat:-1");
        expect(kept).toMatchObject({ time: "08:00", next_day: "2026-06-01" });
        expect(kept).not.toHaveProperty("match");
        const following = await subscriptions.put("chat:-1", (previous) => ({
          ...(previous as NonNullable<typeof previous>),
          match: 2028,
          milestones_shown: { rol_deadline: "2028-02-23" },
        }));
        expect(await subscriptions.get("chat:-1")).toEqual(following);
      } finally {
        await backend.close();
      }
    } finally {
      await admin.end();
      await schema.drop();
    }
  });

  it("GIVEN a database migrated by a newer Stepwise THEN it is refused, untouched", async () => {
    const schema = await testSchema();
    const admin = new pg.Client({ connectionString: withUser(schema.url) });
    await admin.connect();
    try {
      await admin.query(
        `INSERT INTO ${schema.schema}.${MIGRATIONS_TABLE} (name, run_on) VALUES ('999_from_the_future', now())`,
      );
      await expect(openPostgresBackend({ url: schema.url, schema: schema.schema })).rejects.toThrow(
        /was migrated by a newer Stepwise \(migration 999_from_the_future\)/,
      );
    } finally {
      await admin.end();
      await schema.drop();
    }
  });
});

describe("the program on PostgreSQL", () => {
  let admin: pg.Client;
  let database: string;
  let url: string;
  let dir: string;

  // A database of its own: the program and the command lines take a URL, not a schema.
  beforeAll(async () => {
    const base = inject("databaseUrl");
    admin = new pg.Client({ connectionString: withUser(base) });
    await admin.connect();
    database = `stepwise_program_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${database}`);
    const parsed = new URL(base);
    parsed.pathname = `/${database}`;
    url = parsed.toString();
    dir = await mkdtemp(join(tmpdir(), "stepwise-pg-program-"));
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  });

  it("GIVEN STEPWISE_DATABASE_URL THEN start-up asks for npm run migrate, which migrates once; /score add is then kept across a restart, as a row", async () => {
    const behind = await program("src/main.ts", url, ["--json"], "/about\n");
    expect(behind.code).toBe(1);
    expect(behind.stderr.trim()).toMatch(/^The database .* is behind this Stepwise .* run `npm run migrate`/);

    const migrated = await program("src/store/postgres/migrateCli.ts", url);
    expect(migrated.stdout).toMatch(
      /: applied 001_initial, 002_rate_limits, 003_roadmap, 004_study_log\.\n$/,
    );
    expect((await program("src/store/postgres/migrateCli.ts", url)).stdout).toMatch(
      /is up to date \(4 migrations\)/,
    );

    const added = await program(
      "src/main.ts",
      url,
      ["--json"],
      '/score add exam:step2ck test:"NBME 12" score:236\n',
    );
    expect(JSON.parse(added.stdout.trim())).toMatchObject({ ok: true, command: "score add" });
    const listed = await program("src/main.ts", url, ["--json"], "/score list\n");
    const list = JSON.parse(listed.stdout.trim());
    expect(list.data.scores).toMatchObject([{ id: "1", test: "NBME 12", value: 236 }]);

    const rows = new pg.Client({ connectionString: withUser(url) });
    await rows.connect();
    const { rows: stored } = await rows.query("SELECT user_id, id, test, value FROM practice_scores");
    await rows.end();
    expect(stored).toEqual([
      { user_id: expect.stringMatching(/^console:/), id: 1, test: "NBME 12", value: 236 },
    ]);
  });

  it("GIVEN a version 1 data file THEN migrate-json copies every record with counts that match, and copying it again changes nothing", async () => {
    await program("src/store/postgres/migrateCli.ts", url);
    const file = join(dir, "stepwise.json");
    await copyFile("test/fixtures/data-v1.json", file);
    const first = await program("src/store/postgres/migrateJsonCli.ts", url, [file]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("users: 3 in the file, 3 in the database");
    expect(first.stdout).toContain("practice scores: 2 in the file, 2 in the database");
    expect(first.stdout).toMatch(/nudges: (\d+) in the file, \1 in the database/);
    expect(first.stdout).toMatch(/unreachable chats: (\d+) in the file, \1 in the database/);
    expect(first.stdout).toContain("All counts match.");
    const second = await program("src/store/postgres/migrateJsonCli.ts", url, [file]);
    expect(second.stdout).toBe(first.stdout);

    const backend = await openPostgresBackend({ url });
    try {
      const person = await backend.repositories.personalData.export("telegram:1001");
      expect(person.record?.scores.map((s) => [s.id, s.test, s.kind, s.value])).toEqual([
        ["1", "NBME 12", "scaled", 236],
        ["2", "NBME 30", "chance", 85],
      ]);
      expect(person.record?.next_score_id).toBe(3);
      expect(Object.keys(person.chats)).toEqual(["telegram:1001"]);
    } finally {
      await backend.close();
    }
  });

  it("GIVEN a data file with study logs and sharing choices THEN migrate-json copies them whole, ids and all", async () => {
    await program("src/store/postgres/migrateCli.ts", url);
    const file = join(dir, "logs.json");
    const at = new Date("2026-11-20T10:00:00.000Z");
    const local = await openFileBackend(file);
    const { studyLog, sharing } = local.repositories;
    await studyLog.add(
      "x:log",
      { date: "2026-11-19", questions: 40, correct: 30, added_at: at.toISOString() },
      at,
    );
    const kept = await studyLog.add(
      "x:log",
      { date: "2026-11-20", questions: 20, exam: "step2ck", note: "renal", added_at: at.toISOString() },
      at,
    );
    await studyLog.remove("x:log", "1", at);
    await sharing.share("x:log", "telegram:-100", { since: at.toISOString(), name: "Asha" }, at);
    const expected = await local.repositories.personalData.export("x:log");
    await local.close();
    const copied = await program("src/store/postgres/migrateJsonCli.ts", url, [file]);
    expect(copied.stdout).toContain("study sessions: 1 in the file, 1 in the database");
    expect(copied.stdout).toContain("sharing choices: 1 in the file, 1 in the database");
    const backend = await openPostgresBackend({ url });
    try {
      expect(await backend.repositories.personalData.export("x:log")).toEqual(expected);
      // The id counter came along: the next session is #3, never a reused #1.
      const { id: _id, ...again } = kept;
      expect((await backend.repositories.studyLog.add("x:log", again, at)).id).toBe("3");
    } finally {
      await backend.close();
    }
  });

  it("GIVEN no file, or no database URL THEN migrate-json says what to give, in one line", async () => {
    const missing = await program("src/store/postgres/migrateJsonCli.ts", url, [join(dir, "nothing.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^There is no data file at .*nothing\.json\. Usage: npm run migrate-json -- /,
    );
    const unset = await program("src/store/postgres/migrateJsonCli.ts", "", [join(dir, "nothing.json")]);
    expect(unset.stderr).toMatch(/^Set STEPWISE_DATABASE_URL/);
  });
});
