import * as z from "zod";
import { baseUrl, optional, readEnv } from "../../env.ts";
import type { Platform } from "../index.ts";

export const discordSettings = z.object({
  DISCORD_TOKEN: optional(
    z.string().min(50, "looks too short: copy the bot token from the Developer Portal"),
  ),
  DISCORD_API_URL: optional(baseUrl),
  /** Only `npm run register` uses it: commands go to that server (at once) instead of globally. */
  DISCORD_GUILD_ID: optional(z.string().regex(/^\d{17,20}$/, "must be a server id (17-20 digits)")),
  /** Gateway shards (discord.js internal sharding): a count, or `auto` for Discord's recommendation. */
  DISCORD_SHARDS: optional(
    z
      .string()
      .regex(/^(auto|[1-9]\d{0,4})$/, "must be a number of shards (1 or more) or auto")
      .transform((value) => (value === "auto" ? "auto" : Number(value))),
  ),
});

export const discord: Platform = {
  name: "discord",
  configure(env) {
    const read = readEnv(discordSettings, env);
    if (!read.ok) return read;
    const { DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, DISCORD_SHARDS: shards } = read.value;
    return {
      ok: true,
      token,
      receiving: "gateway",
      async create(core, { leases }) {
        const { createDiscordAdapter } = await import("./index.ts");
        return createDiscordAdapter({ token: token ?? "", apiUrl, core, shards, leases });
      },
      async outbox() {
        const { createDiscordOutbox } = await import("./outbox.ts");
        return createDiscordOutbox({ token: token ?? "", apiUrl });
      },
    };
  },
};
