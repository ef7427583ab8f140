import { existsSync } from "node:fs";
import { type APIApplication, REST, Routes } from "discord.js";
import { commands } from "../../../commands/index.ts";
import { ConfigError, loadConfig } from "../../config.ts";
import { startError } from "./errors.ts";
import { commandsBody, registerCommands } from "./register.ts";

/** `npm run register`: puts the registry's slash commands on Discord, globally or to DISCORD_GUILD_ID. */
async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const token = config.DISCORD_TOKEN;
  if (!token) {
    throw new ConfigError("DISCORD_TOKEN is not set: put the bot token in .env (see README, Discord).");
  }
  const guildId = config.DISCORD_GUILD_ID;
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(token);
  try {
    const application = (await rest.get(Routes.currentApplication())) as APIApplication;
    const body = commandsBody(commands, guildId);
    await registerCommands({ rest, applicationId: application.id, guildId }, body);
    const names = body.map((command) => `/${command.name}`).join(", ");
    const where = guildId ? `to server ${guildId}` : "globally";
    process.stdout.write(`Registered ${body.length} commands ${where} for ${application.name}: ${names}\n`);
  } catch (error) {
    throw startError(error, guildId);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
