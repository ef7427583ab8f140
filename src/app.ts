import type { Readable, Writable } from "node:stream";
import { commands, plainTextCommand } from "../commands/index.ts";
import { createConsoleAdapter } from "./adapters/console/index.ts";
import { senderFor } from "./adapters/index.ts";
import { type Config, filesFolder } from "./config.ts";
import type { Services } from "./core/command.ts";
import { createCore } from "./core/handle.ts";
import { type Adapter, type Logger, noRateLimit, systemClock } from "./core/ports.ts";
import { KnowledgeBase } from "./engine/knowledge/knowledge.ts";
import { groupWeekFor } from "./engine/progress/week.ts";
import { loadKnowledgeQuickly } from "./knowledge/snapshot.ts";
import { createRateLimit } from "./limits/rateLimit.ts";
import { NudgeScheduler } from "./scheduler/scheduler.ts";
import { openBackend } from "./store/open.ts";

/** A clean shutdown must finish within this, or the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 5_000;

export interface AppOptions {
  config: Config;
  logger: Logger;
  knowledgeDir: string;
  /** The build's checked copy of knowledge/, used while it is current (src/knowledge/snapshot.ts). */
  knowledgeSnapshot: string;
  /** Run the console chat on these streams (the default when no platform token is set). */
  console?: { input: Readable; output: Writable; json: boolean; interactive: boolean };
}

export interface App {
  /** Resolves when an adapter ends by itself (the console's input closed); never otherwise. */
  ended: Promise<void>;
  /** Stops taking commands, finishes those in flight, writes the store, closes every client. */
  shutdown(reason: string): Promise<void>;
}

/** Wiring: knowledge -> store -> core -> adapters -> scheduler. Start-up errors reject, with every part closed. */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const knowledge = new KnowledgeBase(
    await loadKnowledgeQuickly(options.knowledgeDir, options.knowledgeSnapshot),
  );
  const backend = await openBackend(config, logger);
  const store = backend.repositories;
  const started: Adapter[] = [];
  const scheduler = new NudgeScheduler({
    queue: store.nudgeQueue,
    knowledge,
    clock: systemClock,
    logger,
    send: senderFor(started),
    weekOf: (address, slot, day) => groupWeekFor(store, address, slot, day),
  });
  const services: Services = {
    knowledge,
    clock: systemClock,
    logger,
    store,
    nudges: scheduler,
    limits: createRateLimit(),
  };
  const core = createCore(services, commands, { plainText: plainTextCommand });

  const adapters: Adapter[] = [];
  for (const platform of config.platforms) adapters.push(await platform.create(core));
  if (options.console) {
    // The console is the operator's own terminal (and scripts): no per-user limit there.
    const operator = createCore({ ...services, limits: noRateLimit }, commands, {
      plainText: plainTextCommand,
    });
    adapters.push(
      createConsoleAdapter({ ...options.console, core: operator, filesDir: filesFolder(config) }),
    );
  }

  let stopped: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopped ??= (async () => {
      logger.info({ reason }, "shutting down");
      await Promise.allSettled(started.map((adapter) => adapter.stop()));
      await scheduler.stop();
      await backend.close();
      logger.info({}, "stopped");
    })();
    return stopped;
  };

  try {
    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
    }
  } catch (error) {
    await shutdown("start-up failed");
    throw error;
  }
  // Not awaited: ready does not wait for node-cron to load (it loads only when there are nudges).
  scheduler
    .start()
    .catch((error: unknown) => logger.error({ err: error }, "the nudge scheduler did not start"));
  logger.info({ entries: knowledge.entries.length, adapters: started.map((a) => a.name) }, "ready");
  const endings = started.flatMap((adapter) => (adapter.ended ? [adapter.ended] : []));
  return { ended: endings.length > 0 ? Promise.race(endings) : new Promise(() => {}), shutdown };
}
