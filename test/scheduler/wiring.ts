import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commands, plainTextCommand } from "../../commands/index.ts";
import { senderFor } from "../../src/adapters/index.ts";
import { type Core, createCore } from "../../src/core/handle.ts";
import { type Adapter, noRateLimit, silentLogger } from "../../src/core/ports.ts";
import { NudgeScheduler } from "../../src/scheduler/scheduler.ts";
import { type FileStore, openFileBackend } from "../../src/store/file/fileStore.ts";
import { ManualClock, testKnowledge } from "../helpers.ts";

/** Ticks at each instant in turn, as the minute timer would. */
export async function tickAt(scheduler: NudgeScheduler, clock: ManualClock, ...instants: string[]) {
  for (const instant of instants) {
    clock.set(instant);
    await scheduler.tick();
  }
}

/**
 * The bot's nudge side and one real platform adapter, wired as app.ts does it (the adapter's `send`
 * delivers the scheduler's nudges), over a store on disk and a clock the test moves by hand.
 * `restart` stops everything and starts it again from the same data file.
 */
export class NudgeBot {
  readonly clock = new ManualClock("2026-06-01T00:00:00Z");
  private dir = "";
  private current:
    | { backend: Awaited<ReturnType<typeof openFileBackend>>; scheduler: NudgeScheduler; adapter: Adapter }
    | undefined;

  constructor(private readonly createAdapter: (core: Core) => Adapter) {}

  private get running() {
    if (!this.current) throw new Error("the nudge bot is not running");
    return this.current;
  }

  /** The data file's whole document, to check what is stored. */
  get store(): FileStore {
    return this.running.backend.document;
  }

  get scheduler(): NudgeScheduler {
    return this.running.scheduler;
  }

  async start(): Promise<void> {
    this.dir ||= await mkdtemp(join(tmpdir(), "stepwise-nudges-"));
    const backend = await openFileBackend(join(this.dir, "stepwise.json"));
    const knowledge = await testKnowledge();
    const { clock } = this;
    const started: Adapter[] = [];
    const scheduler = new NudgeScheduler({
      queue: backend.repositories.nudgeQueue,
      knowledge,
      clock,
      logger: silentLogger,
      send: senderFor(started),
      // Back-off in milliseconds: the tests retry without waiting real minutes.
      retry: { minTimeout: 5, maxTimeout: 20 },
    });
    const services = {
      knowledge,
      clock,
      logger: silentLogger,
      store: backend.repositories,
      nudges: scheduler,
      limits: noRateLimit,
    };
    const adapter = this.createAdapter(createCore(services, commands, { plainText: plainTextCommand }));
    await adapter.start();
    started.push(adapter);
    this.current = { backend, scheduler, adapter };
  }

  /** Stops the adapter and the scheduler, closes the store, and starts everything again from disk. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.start();
  }

  /** Shuts down and deletes the data file. */
  async stop(): Promise<void> {
    await this.shutdown();
    await rm(this.dir, { recursive: true, force: true });
  }

  tick(...instants: string[]): Promise<void> {
    return tickAt(this.scheduler, this.clock, ...instants);
  }

  private async shutdown(): Promise<void> {
    const { backend, scheduler, adapter } = this.running;
    this.current = undefined;
    await adapter.stop();
    await scheduler.stop();
    await backend.close();
  }
}
