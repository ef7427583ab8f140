import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { commands } from "../commands/index.ts";
import { runConsole } from "./adapters/console/index.ts";
import { createDiscordAdapter } from "./adapters/discord/index.ts";
import { ConfigError, loadConfig } from "./config.ts";
import type { Services } from "./engine/command.ts";
import { KnowledgeBase } from "./engine/knowledge.ts";
import { type PlatformAdapter, systemClock } from "./engine/ports.ts";
import { KnowledgeError, loadKnowledge } from "./knowledge/load.ts";
import { MemoryStore } from "./store/memory.ts";

const KNOWLEDGE_DIR = fileURLToPath(new URL("../knowledge", import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: "boolean", default: false }, console: { type: "boolean", default: false } },
  });
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const platforms = Boolean(config.TELEGRAM_BOT_TOKEN || config.DISCORD_TOKEN);
  const useConsole = values.console || !platforms;
  // Logs go to stderr so the console's stdout stays clean chat (or JSON); a terminal chat wants quiet.
  const logger = pino({ level: config.LOG_LEVEL ?? (useConsole ? "warn" : "info") }, pino.destination(2));

  const knowledge = new KnowledgeBase(await loadKnowledge(KNOWLEDGE_DIR));
  // Replaced by the file store (STEPWISE_DATA) in the store work of the scores issue.
  const services: Services = { knowledge, clock: systemClock, logger, store: new MemoryStore() };
  logger.info({ entries: knowledge.entries.length }, "knowledge loaded");

  // Platform adapters whose token is set; each is one folder in src/adapters/.
  const adapters: PlatformAdapter[] = [];
  if (config.DISCORD_TOKEN) {
    adapters.push(
      createDiscordAdapter({
        token: config.DISCORD_TOKEN,
        apiUrl: config.DISCORD_API_URL,
        guildId: config.DISCORD_GUILD_ID,
        services,
        commands,
      }),
    );
  }
  for (const adapter of adapters) await adapter.start();

  if (useConsole) {
    const interactive = Boolean(process.stdin.isTTY);
    await runConsole({
      input: process.stdin,
      output: process.stdout,
      json: values.json,
      interactive,
      services,
      commands,
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof KnowledgeError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Stepwise could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
