import type { Readable, Writable } from "node:stream";
import { commands } from "../commands/index.ts";
import { consoleSender, runConsole } from "./adapters/console/index.ts";
import type { Config } from "./config.ts";
import type { Services } from "./core/command.ts";
import { type Logger, noRateLimit, type PlatformAdapter, systemClock } from "./core/ports.ts";
import { KnowledgeBase } from "./engine/knowledge/knowledge.ts";
import { loadKnowledge } from "./knowledge/load.ts";
import { createRateLimit } from "./limits/rateLimit.ts";
import { NudgeScheduler, type SchedulerOptions } from "./scheduler/scheduler.ts";
import { FileStore } from "./store/fileStore.ts";

/** A clean shutdown must finish within this, or the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 5_000;

export interface AppOptions {
  config: Config;
  logger: Logger;
  knowledgeDir: string;
  /** Run the console chat on these streams (the default when no platform token is set). */
  console?: { input: Readable; output: Writable; json: boolean; interactive: boolean };
}

export interface App {
  /** Resolves when the console chat ends (never, without a console). */
  consoleDone: Promise<void>;
  /** Stops taking commands, finishes those in flight, writes the store, closes every client. */
  shutdown(reason: string): Promise<void>;
}

/** Wiring: knowledge -> store -> scheduler -> adapters -> console. Start-up errors reject, with every part closed. */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const knowledge = new KnowledgeBase(await loadKnowledge(options.knowledgeDir));
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

  // Platform adapters whose token is set; each is one folder in src/adapters/.
  const adapters: PlatformAdapter[] = [];
  // Loaded only when used: each platform library costs tens of MB the console chat does not need.
  if (config.TELEGRAM_BOT_TOKEN) {
    const { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: apiRoot } = config;
    const { createTelegramAdapter } = await import("./adapters/telegram/index.ts");
    adapters.push(createTelegramAdapter({ token, ...(apiRoot ? { apiRoot } : {}), services, commands }));
  }
  if (config.DISCORD_TOKEN) {
    const { DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, DISCORD_GUILD_ID: guildId } = config;
    const { createDiscordAdapter } = await import("./adapters/discord/index.ts");
    adapters.push(createDiscordAdapter({ token, apiUrl, guildId, services, commands }));
  }
  const started: PlatformAdapter[] = [];
  const closing = new AbortController();
  let stopped: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopped ??= (async () => {
      logger.info({ reason }, "shutting down");
      closing.abort();
      await Promise.allSettled(started.map((adapter) => adapter.stop()));
      await scheduler.stop();
      await store.close();
      logger.info({}, "stopped");
    })();
    return stopped;
  };

  try {
    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
      senders[adapter.platform] = (chatId, message) => adapter.send(chatId, message);
    }
  } catch (error) {
    await shutdown("start-up failed");
    throw error;
  }

  let consoleDone: Promise<void> = new Promise(() => {});
  if (options.console) {
    const { input, output, json, interactive } = options.console;
    senders.console = consoleSender(output, json);
    consoleDone = runConsole({
      input,
      output,
      json,
      interactive,
      // The console is the operator's own terminal (and scripts): no per-user limit there.
      services: { ...services, limits: noRateLimit },
      commands,
      signal: closing.signal,
    });
  }
  scheduler.start();
  logger.info({ entries: knowledge.entries.length, adapters: started.map((a) => a.platform) }, "ready");
  return { consoleDone, shutdown };
}
