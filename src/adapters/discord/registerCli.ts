import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { type APIApplication, REST, Routes } from "discord.js";
import { commands } from "../../../commands/index.ts";
import { ConfigError, loadConfig } from "../../config.ts";
import { startError } from "./errors.ts";
import { discordSettings } from "./platform.ts";
import { commandsBody } from "./register.ts";
import { applySync, describePlan, fetchCommands, planSync } from "./sync.ts";

/**
 * `npm run register [-- --dry-run]`: makes Discord's slash commands match the registry, globally
 * or in DISCORD_GUILD_ID. The only place commands are registered: starting the bot never does.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } });
  const dryRun = values["dry-run"];
  if (existsSync(".env")) process.loadEnvFile(".env");
  loadConfig(process.env);
  const config = discordSettings.parse(process.env);
  const token = config.DISCORD_TOKEN;
  if (!token) {
    throw new ConfigError("DISCORD_TOKEN is not set: put the bot token in .env (see README, Discord).");
  }
  const guildId = config.DISCORD_GUILD_ID;
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(token);
  try {
    const application = (await rest.get(Routes.currentApplication())) as APIApplication;
    const target = { rest, applicationId: application.id, guildId };
    const plan = planSync(await fetchCommands(target), commandsBody(commands, guildId));
    if (!dryRun) await applySync(target, plan);
    const where = guildId ? `in server ${guildId}` : "globally";
    const lines = [`Discord commands of ${application.name}, ${where}:`, ...describePlan(plan, dryRun)];
    if (dryRun) lines.push("Dry run: nothing was changed.");
    process.stdout.write(`${lines.join("\n")}\n`);
  } catch (error) {
    throw startError(error, guildId);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
