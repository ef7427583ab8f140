import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { GatewayOpcodes } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROGRAM } from "../../../scripts/build.mjs";
import { FakeDiscord } from "../../fakes/discord/server.ts";

const exec = promisify(execFile);

describe("`npm start` with DISCORD_TOKEN, against a fake Discord", () => {
  let fake: FakeDiscord;
  let dir: string;
  beforeEach(async () => {
    fake = await FakeDiscord.start();
    dir = await mkdtemp(join(tmpdir(), "stepwise-discord-main-"));
  });
  afterEach(async () => {
    await fake.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (token: string) => ({
    ...process.env,
    DISCORD_TOKEN: token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: "",
    STEPWISE_DATA: join(dir, "stepwise.json"),
    TELEGRAM_BOT_TOKEN: "",
    LOG_LEVEL: "silent",
  });

  it("GIVEN a valid token THEN the bot process connects and answers slash commands, and never registers them", async () => {
    // What `npm start` runs, without npm: one process, so the test can stop exactly the one it started.
    const bot = spawn(process.execPath, ["scripts/run.mjs", PROGRAM], {
      env: env(fake.token),
      stdio: "ignore",
    });
    try {
      await fake.waitForFrame((f) => f.op === GatewayOpcodes.Identify, 15_000);
      const { requests } = await fake.runCommand("about");
      expect(requests[0]?.body.data.embeds[0].title).toBe("About Stepwise");
      expect(fake.requests.filter((r) => r.path.includes("/commands"))).toEqual([]);
    } finally {
      bot.kill("SIGTERM");
      await once(bot, "exit");
    }
  });

  it("GIVEN a wrong token THEN `npm start` exits with a message saying how to fix it", async () => {
    const error = await exec("npm", ["start", "--silent"], {
      env: env(`wrong.${"w".repeat(60)}`),
      cwd: process.cwd(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toMatch(/DISCORD_TOKEN was rejected .*Reset Token/);
  });
});
