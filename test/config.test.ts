import { describe, expect, it } from "vitest";
import { ConfigError, filesFolder, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("GIVEN nothing set THEN defaults apply and empty values count as unset", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: " " });
    expect(config).toMatchObject({ STEPWISE_DATA: "data/stepwise.json" });
    expect(config.platforms).toEqual([]);
  });

  it("GIVEN no files folder THEN the console's files go beside the data file; STEPWISE_FILES moves them", () => {
    expect(filesFolder(loadConfig({ STEPWISE_DATA: "/srv/stepwise/data.json" }))).toBe("/srv/stepwise/files");
    expect(filesFolder(loadConfig({ STEPWISE_FILES: "/tmp/out" }))).toBe("/tmp/out");
  });

  it("GIVEN platform tokens THEN each platform is enabled with its token, in the registry's order", () => {
    const telegram = `123456:${"A".repeat(35)}`;
    const discord = "d".repeat(60);
    const config = loadConfig({ DISCORD_TOKEN: discord, TELEGRAM_BOT_TOKEN: telegram });
    expect(config.platforms.map((p) => [p.name, p.token])).toEqual([
      ["telegram", telegram],
      ["discord", discord],
    ]);
  });

  it("GIVEN mistakes in several platforms' settings THEN every one is named at once", () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: "x", DISCORD_GUILD_ID: "y", LOG_LEVEL: "loud" })).toThrow(
      /LOG_LEVEL[\s\S]*TELEGRAM_BOT_TOKEN[\s\S]*DISCORD_GUILD_ID/,
    );
  });

  it.each([
    [{ TELEGRAM_BOT_TOKEN: "not-a-token" }, /TELEGRAM_BOT_TOKEN: looks wrong: BotFather gives tokens like/],
    [{ TELEGRAM_API_ROOT: "http://127.0.0.1:8081/" }, /TELEGRAM_API_ROOT: remove the trailing slash/],
    [{ DISCORD_GUILD_ID: "my-server" }, /DISCORD_GUILD_ID: must be a server id/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [
      { TELEGRAM_WEBHOOK_URL: "https://bot.example.org/telegram" },
      /TELEGRAM_WEBHOOK_SECRET: set TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET together/,
    ],
    [
      { TELEGRAM_WEBHOOK_URL: "https://bot.example.org/telegram", TELEGRAM_WEBHOOK_SECRET: "short" },
      /TELEGRAM_WEBHOOK_SECRET: must be 16 to 256 letters, digits, _ or -/,
    ],
    [
      { TELEGRAM_WEBHOOK_URL: "bot.example.org" },
      /TELEGRAM_WEBHOOK_URL: must be the webhook's public address/,
    ],
    [{ TELEGRAM_WEBHOOK_PORT: "eighty" }, /TELEGRAM_WEBHOOK_PORT/],
    [{ DISCORD_SHARDS: "0" }, /DISCORD_SHARDS: must be a number of shards \(1 or more\) or auto/],
    [{ DISCORD_SHARDS: "many" }, /DISCORD_SHARDS: must be a number of shards \(1 or more\) or auto/],
  ])("GIVEN %o THEN start-up stops naming the variable and the fix", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
