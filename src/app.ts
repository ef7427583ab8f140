import type { Readable, Writable } from "node:stream";
import { commands, plainTextCommand } from "../commands/index.ts";
import { createConsoleAdapter } from "./adapters/console/index.ts";
import { type Shared, senderFor } from "./adapters/index.ts";
import { type Config, filesFolder } from "./config.ts";
import type { Services } from "./core/command.ts";
import { createCore } from "./core/handle.ts";
import {
  type Adapter,
  type Logger,
  noRateLimit,
  noSchedule,
  type Outbox,
  systemClock,
} from "./core/ports.ts";
import { KnowledgeBase } from "./engine/knowledge/knowledge.ts";
import { groupWeekFor } from "./engine/progress/week.ts";
import { loadKnowledgeQuickly } from "./knowledge/snapshot.ts";
import { COMMANDS_PER_WINDOW, createRateLimit, WINDOW_SECONDS } from "./limits/rateLimit.ts";
import { chooseRole, type Role } from "./roles/roles.ts";
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
  /** What this process runs (src/roles/roles.ts); everything by default. */
  role?: Role;
}

export interface App {
  /** Resolves when an adapter ends by itself (the console's input closed); never otherwise. */
  ended: Promise<void>;
  /** Stops taking commands, finishes those in flight, writes the store, closes every client. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Wiring: knowledge -> store -> core -> adapters (or a worker's outboxes) -> scheduler, as the
 * role asks. Start-up errors reject, with every part closed.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const role = options.role ?? chooseRole("all", config);
  const knowledge = new KnowledgeBase(
    await loadKnowledgeQuickly(options.knowledgeDir, options.knowledgeSnapshot),
  );
  const backend = await openBackend(config, logger);
  const store = backend.repositories;
  const shared: Shared = { logger, leases: backend.leases, limiters: backend.limiters };
  // What nudges are sent through: the running adapters, or a worker's outboxes.
  const started: Outbox[] = [];
  const scheduler = role.sendsNudges
    ? new NudgeScheduler({
        queue: store.nudgeQueue,
        knowledge,
        clock: systemClock,
        logger,
        send: senderFor(started),
        // Other processes on the database add nudges this one never hears of.
        everyMinute: backend.shared,
        weekOf: (address, slot, day) => groupWeekFor(store, address, slot, day),
      })
    : undefined;
  const services: Services = {
    knowledge,
    clock: systemClock,
    logger,
    store,
    nudges: scheduler ?? noSchedule,
    limits: createRateLimit(COMMANDS_PER_WINDOW, WINDOW_SECONDS, backend.limiters),
  };
  const core = createCore(services, commands, { plainText: plainTextCommand });

  const adapters: Adapter[] = [];
  const outboxes: Outbox[] = [];
  for (const platform of role.receives) adapters.push(await platform.create(core, shared));
  if (role.sendsNudges && role.receives.length === 0) {
    for (const platform of config.platforms) outboxes.push(await platform.outbox(shared));
  }
  if (options.console && role.console) {
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
      await Promise.allSettled(started.map((outbox) => outbox.stop()));
      await scheduler?.stop();
      await backend.close();
      logger.info({}, "stopped");
    })();
    return stopped;
  };

  started.push(...outboxes);
  try {
    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
    }
  } catch (error) {
    await shutdown("start-up failed");
    throw error;
  }
  // Not awaited: ready does not wait for node-cron to load (with a data file, it loads only when there are nudges).
  scheduler
    ?.start()
    .catch((error: unknown) => logger.error({ err: error }, "the nudge scheduler did not start"));
  logger.info(
    {
      role: role.name,
      entries: knowledge.entries.length,
      adapters: adapters.map((a) => a.name),
      outboxes: outboxes.map((o) => o.name),
    },
    "ready",
  );
  const endings = adapters.flatMap((adapter) => (adapter.ended ? [adapter.ended] : []));
  return { ended: endings.length > 0 ? Promise.race(endings) : new Promise(() => {}), shutdown };
}
