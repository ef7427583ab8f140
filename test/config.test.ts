import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("GIVEN nothing set THEN defaults apply and empty values count as unset", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: " " });
    expect(config).toMatchObject({ STEPWISE_DATA: "data/stepwise.json" });
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(config.DISCORD_TOKEN).toBeUndefined();
  });

  it.each([
    [{ TELEGRAM_BOT_TOKEN: "not-a-token" }, /TELEGRAM_BOT_TOKEN: looks wrong: BotFather gives tokens like/],
    [{ TELEGRAM_API_ROOT: "http://127.0.0.1:8081/" }, /TELEGRAM_API_ROOT: remove the trailing slash/],
    [{ DISCORD_GUILD_ID: "my-server" }, /DISCORD_GUILD_ID: must be a server id/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
  ])("GIVEN %o THEN start-up stops naming the variable and the fix", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
