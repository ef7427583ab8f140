import { join } from "node:path";
import type { Services } from "../../src/engine/command.ts";
import { noRateLimit, type PlatformAdapter, type Store, silentLogger } from "../../src/engine/ports.ts";
import { NudgeScheduler, type SchedulerOptions } from "../../src/scheduler/scheduler.ts";
import { FileStore } from "../../src/store/fileStore.ts";
import { type ManualClock, testKnowledge } from "../helpers.ts";

/** One run of the bot's nudge side, wired as app.ts does it, over a store on disk and a hand-moved clock. */
export interface NudgeRun {
  store: Store;
  scheduler: NudgeScheduler;
  /** What commands see: the scheduler as `nudges`, the same store and clock. */
  services: Services;
  /** Delivers that platform's nudges through this adapter's `send`. */
  connect(adapter: PlatformAdapter): void;
  /** Stops the scheduler and closes the store, as a shutdown does. */
  close(): Promise<void>;
}

/** Opens (or reopens, after a restart) the store in `dir` and starts a scheduler over it. */
export async function startNudges(dir: string, clock: ManualClock): Promise<NudgeRun> {
  const store = await FileStore.open(join(dir, "stepwise.json"));
  const knowledge = await testKnowledge();
  const senders: SchedulerOptions["senders"] = {};
  const scheduler = new NudgeScheduler({
    store,
    knowledge,
    clock,
    logger: silentLogger,
    senders,
    // Back-off in milliseconds: the tests retry without waiting real minutes.
    retry: { minTimeout: 5, maxTimeout: 20 },
  });
  return {
    store,
    scheduler,
    services: { knowledge, clock, logger: silentLogger, store, nudges: scheduler, limits: noRateLimit },
    connect(adapter) {
      senders[adapter.platform] = (chatId, reply) => adapter.send(chatId, reply);
    },
    async close() {
      await scheduler.stop();
      await store.close();
    },
  };
}

/** Ticks at each instant in turn, as the minute timer would. */
export async function tickAt(scheduler: NudgeScheduler, clock: ManualClock, ...instants: string[]) {
  for (const instant of instants) {
    clock.set(instant);
    await scheduler.tick();
  }
}
