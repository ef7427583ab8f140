import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { commands, plainTextCommand } from "../commands/index.ts";
import { PROGRAM } from "../scripts/build.mjs";
import { createDiscordAdapter, SECOND_GATEWAY } from "../src/adapters/discord/index.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { createCore } from "../src/core/handle.ts";
import { silentLogger } from "../src/core/ports.ts";
import { projectPath } from "../src/projectPath.ts";
import { chooseRole } from "../src/roles/roles.ts";
import { postgresLeases } from "../src/store/postgres/leases.ts";
import { FakeDiscord } from "./fakes/discord/server.ts";
import { testContext } from "./helpers.ts";
import { type TestSchema, testSchema } from "./postgres/schema.ts";
import { scratchDatabase } from "./postgres/server.ts";
import { dueMinute, subscribeAll, WorkerProcess } from "./scheduler/workerProcesses.ts";

/** What each `--role` runs, what it needs set, and the gateway lock on a database. */

const TELEGRAM = `123456:${"A".repeat(35)}`;
const DISCORD = "d".repeat(60);
const DATABASE = "postgres://127.0.0.1/stepwise";
const WEBHOOK = {
  TELEGRAM_WEBHOOK_URL: "https://bot.example.org/telegram",
  TELEGRAM_WEBHOOK_SECRET: "x".repeat(32),
};

const role = (name: string, env: NodeJS.ProcessEnv) => chooseRole(name, loadConfig(env));
const receives = (name: string, env: NodeJS.ProcessEnv) =>
  role(name, env).receives.map((platform) => platform.name);

describe("roles", () => {
  it("GIVEN no role THEN the process receives every platform, sends nudges and may run the console, with a data file or a database", () => {
    expect(role("all", { TELEGRAM_BOT_TOKEN: TELEGRAM, DISCORD_TOKEN: DISCORD })).toMatchObject({
      sendsNudges: true,
      console: true,
    });
    expect(receives("all", { TELEGRAM_BOT_TOKEN: TELEGRAM, DISCORD_TOKEN: DISCORD })).toEqual([
      "telegram",
      "discord",
    ]);
  });

  it("GIVEN a database THEN a worker receives nothing and sends nudges; a gateway holds Discord and Telegram's long poll; a webhook instance takes Telegram's webhook; neither sends nudges", () => {
    const both = { STEPWISE_DATABASE_URL: DATABASE, TELEGRAM_BOT_TOKEN: TELEGRAM, DISCORD_TOKEN: DISCORD };
    expect(role("worker", both)).toMatchObject({ receives: [], sendsNudges: true, console: false });
    expect(receives("gateway", both)).toEqual(["telegram", "discord"]);
    expect(role("gateway", both)).toMatchObject({ sendsNudges: false, console: false });
    expect(receives("gateway", { ...both, ...WEBHOOK })).toEqual(["discord"]);
    expect(receives("webhook", { ...both, ...WEBHOOK })).toEqual(["telegram"]);
    expect(role("webhook", { ...both, ...WEBHOOK }).sendsNudges).toBe(false);
  });

  it.each([
    ["manager", { STEPWISE_DATABASE_URL: DATABASE }, /--role must be one of all, worker, gateway, webhook/],
    [
      "worker",
      { TELEGRAM_BOT_TOKEN: TELEGRAM },
      /--role worker shares the work .* set STEPWISE_DATABASE_URL/,
    ],
    [
      "worker",
      { STEPWISE_DATABASE_URL: DATABASE },
      /--role worker sends nudges .* TELEGRAM_BOT_TOKEN and\/or DISCORD_TOKEN/,
    ],
    [
      "webhook",
      { STEPWISE_DATABASE_URL: DATABASE, TELEGRAM_BOT_TOKEN: TELEGRAM },
      /--role webhook receives Telegram's webhook: set .*TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET/,
    ],
    [
      "gateway",
      { STEPWISE_DATABASE_URL: DATABASE, TELEGRAM_BOT_TOKEN: TELEGRAM, ...WEBHOOK },
      /--role gateway receives through Discord's gateway or Telegram's long poll/,
    ],
  ])("GIVEN --role %s with %o THEN start-up stops with what to set", (name, env, message) => {
    expect(() => role(name, env)).toThrow(ConfigError);
    expect(() => role(name, env)).toThrow(message);
  });

  it("GIVEN npm start -- --role worker without a database THEN the program stops with that one line", async () => {
    const run = promisify(execFile);
    const failed = await run(process.execPath, [projectPath(PROGRAM), "--role", "worker"], {
      env: { ...process.env, STEPWISE_DATABASE_URL: "", TELEGRAM_BOT_TOKEN: TELEGRAM, DISCORD_TOKEN: "" },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^--role worker shares the work .*\n$/);
  });
});

describe("a worker sending to Discord", () => {
  let database: { url: string; drop(): Promise<void> };
  let fake: FakeDiscord;
  beforeAll(async () => {
    database = await scratchDatabase(inject("databaseUrl"), "roles");
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake.stop();
    await database.drop();
  });

  it("GIVEN a nudge due in a Discord channel and a worker process THEN it is posted through REST, with no gateway connection", async () => {
    const channel = fake.world.channelId;
    await subscribeAll(database.url, [`discord:${channel}`], dueMinute());
    const worker = new WorkerProcess({
      STEPWISE_DATABASE_URL: database.url,
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
    });
    try {
      await worker.ready();
      const post = await fake.waitForRequest(
        (r) => r.method === "POST" && r.path === `/channels/${channel}/messages`,
      );
      expect(post.body.embeds[0].title ?? post.body.content).toMatch(/study nudge/i);
      expect(fake.connections).toEqual([]);
      expect(fake.requests.some((r) => r.path === "/gateway/bot")).toBe(false);
    } finally {
      worker.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
    }
  });
});

describe("one Discord gateway per bot on a database", () => {
  let schema: TestSchema;
  let fake: FakeDiscord;
  beforeAll(async () => {
    schema = await testSchema();
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake.stop();
    await schema.drop();
  });

  it("GIVEN a process connected to Discord's gateway on a database THEN a second one is refused with what to run instead", async () => {
    const leases = () => postgresLeases({ url: schema.url, schema: schema.schema }, silentLogger);
    const core = createCore((await testContext()).services, commands, { plainText: plainTextCommand });
    const first = createDiscordAdapter({ token: fake.token, apiUrl: fake.apiUrl, core, leases: leases() });
    await first.start();
    try {
      const second = createDiscordAdapter({ token: fake.token, apiUrl: fake.apiUrl, core, leases: leases() });
      const refused = await second.start().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as Error).message).toBe(SECOND_GATEWAY);
      expect(SECOND_GATEWAY).toMatch(/--role worker/);
      // One gateway connection: the second never connected.
      expect(fake.connections).toHaveLength(1);
    } finally {
      await first.stop();
    }
  });
});
