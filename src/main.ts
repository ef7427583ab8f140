import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { commands } from "../commands/index.ts";
import { consoleSender, runConsole } from "./adapters/console/index.ts";
import { ConfigError, loadConfig } from "./config.ts";
import type { Services } from "./engine/command.ts";
import { KnowledgeBase } from "./engine/knowledge.ts";
import { noRateLimit, type PlatformAdapter, systemClock } from "./engine/ports.ts";
import { KnowledgeError, loadKnowledge } from "./knowledge/load.ts";
import { createRateLimit } from "./limits/rateLimit.ts";
import { NudgeScheduler, type SchedulerOptions } from "./scheduler/scheduler.ts";
import { StoreError } from "./store/errors.ts";
import { FileStore } from "./store/fileStore.ts";

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
  const store = await FileStore.open(config.STEPWISE_DATA, { logger });
  const senders: SchedulerOptions["senders"] = {};
  const scheduler = new NudgeScheduler({ store, knowledge, clock: systemClock, logger, senders });
  const services: Services = {
    knowledge,
    clock: systemClock,
    logger,
    store,
    nudges: scheduler,
    limits: createRateLimit(),
  };
  logger.info({ entries: knowledge.entries.length }, "knowledge loaded");

  // Platform adapters whose token is set; each is one folder in src/adapters/.
  const adapters: PlatformAdapter[] = [];
  for (const adapter of adapters) {
    await adapter.start();
    senders[adapter.platform] = (chatId, message) => adapter.send(chatId, message);
  }
  if (useConsole) senders.console = consoleSender(process.stdout, values.json);
  scheduler.start();

  if (useConsole) {
    const interactive = Boolean(process.stdin.isTTY);
    await runConsole({
      input: process.stdin,
      output: process.stdout,
      json: values.json,
      interactive,
      // The console is the operator's own terminal (and scripts): no per-user limit there.
      services: { ...services, limits: noRateLimit },
      commands,
    });
    await scheduler.stop();
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof KnowledgeError || error instanceof StoreError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Stepwise could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
