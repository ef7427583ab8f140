import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { GatewayOpcodes } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeDiscord } from "../../fakes/discord/server.ts";

const exec = promisify(execFile);

describe("`npm start` with DISCORD_TOKEN, against a fake Discord", () => {
  let fake: FakeDiscord;
  let data: string;
  beforeEach(async () => {
    fake = await FakeDiscord.start();
    // A store of its own: one left in data/ by an earlier run remembers the registration and skips it.
    data = join(await mkdtemp(join(tmpdir(), "stepwise-discord-")), "stepwise.json");
  });
  afterEach(async () => {
    await fake.stop();
  });

  const env = (token: string) => ({
    ...process.env,
    DISCORD_TOKEN: token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: "",
    TELEGRAM_BOT_TOKEN: "",
    LOG_LEVEL: "silent",
    STEPWISE_DATA: data,
  });

  it("GIVEN a valid token THEN the bot process connects, registers and answers slash commands", async () => {
    // node with tsx's loader: one process, so the test can stop exactly the one it started.
    const bot = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: env(fake.token),
      stdio: "ignore",
    });
    try {
      await fake.waitForFrame((f) => f.op === GatewayOpcodes.Identify, 15_000);
      await fake.waitForRequest((r) => r.method === "PUT", 15_000);
      const { requests } = await fake.runCommand("about");
      expect(requests[0]?.body.data.embeds[0].title).toBe("About Stepwise");
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
