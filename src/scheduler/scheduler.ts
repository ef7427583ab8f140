import { setMaxListeners } from "node:events";
import type { Logger as CronLogger, ScheduledTask } from "node-cron";
import pRetry, { AbortError } from "p-retry";
import { DeliveryError } from "../core/errors.ts";
import type { Clock, Logger, NudgeSchedule } from "../core/ports.ts";
import type { Subscription } from "../core/records.ts";
import type { Reply } from "../core/reply.ts";
import type { ClaimedNudge, NudgeQueue } from "../core/repositories.ts";
import type { KnowledgeBase } from "../engine/knowledge/knowledge.ts";
import { CATCH_UP_HOURS, composeNudge, settleSlot } from "../engine/nudges/nudges.ts";
import type { GroupWeek } from "../engine/progress/week.ts";

/** node-cron's own messages, as structured log lines (its default logger prints coloured text to the console). */
function cronLogger(logger: Logger): CronLogger {
  const error = (message: string | Error, err?: Error) =>
    logger.error({ source: "node-cron", err: message instanceof Error ? message : err }, String(message));
  return {
    info: (message) => logger.info({ source: "node-cron" }, message),
    warn: (message) => logger.warn({ source: "node-cron" }, message),
    error,
    debug: (message, err) => logger.debug({ source: "node-cron", err }, String(message)),
  };
}

/** Posts a reply to the chat at an address, whichever adapter owns it; throws DeliveryError when it cannot. */
export type Sender = (address: string, reply: Reply) => Promise<void>;

export interface SchedulerOptions {
  queue: NudgeQueue;
  knowledge: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  send: Sender;
  /** A group's shared week for its summary day (engine/progress/week.ts); absent, nudges carry none. */
  weekOf?: (address: string, slot: Subscription, day: string) => Promise<GroupWeek | undefined>;
  /** Back-off between delivery attempts (the defaults suit production; tests shorten them). */
  retry?: { minTimeout: number; maxTimeout: number };
  /**
   * Check every minute from the start, even with no nudge known yet: other processes sharing the
   * database add them (a worker, or any process on PostgreSQL). Otherwise the minute check starts
   * with the first nudge.
   */
  everyMinute?: boolean;
}

export interface TickReport {
  sent: number;
  skipped: number;
  failed: number;
}

/**
 * Nudges one process holds at once: claimed (their day marked sent) and on their first attempt.
 * It claims more only as these go out, at the pace the platforms' rate limits allow, so a process
 * killed mid-send loses at most these, and what is still due stays in the queue for the others.
 * Each claim round is one write (one sync on file, one transaction on PostgreSQL).
 */
export const MAX_HELD = 10;

/**
 * Sends each subscription's nudge once per local day. Each minute it claims what is due from the
 * nudge queue, which marks the day sent before handing it out (so a crash or restart can never
 * send it twice, and of several processes exactly one gets each), then delivers.
 */
export class NudgeScheduler implements NudgeSchedule {
  private readonly deliveries = new Set<Promise<void>>();
  /** Claimed nudges on their first attempt (at most MAX_HELD). */
  private held = 0;
  /** Wakes the claiming loop when one is released (or at stop). */
  private freed: (() => void) | undefined;
  private started = false;
  /** The minute check, once node-cron is loaded (see start). */
  private cron: Promise<ScheduledTask | undefined> | undefined;
  /** Aborts waiting retries at shutdown; the day stays claimed, so nothing is sent twice later. */
  private readonly stopping = new AbortController();
  /** Start-up's look for a nudge to keep: stop() waits for it, so the store is not closed under it. */
  private pending: Promise<unknown> = Promise.resolve();
  /** The processing part of the latest tick; ticks queue behind it so none overlap. */
  private processing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SchedulerOptions) {
    // Every delivery under way listens for the stop: a fan-out has hundreds, none of them a leak.
    setMaxListeners(0, this.stopping.signal);
  }

  /** A subscription was set up or changed: the minute check must run. */
  changed(_key: string): void {
    void this.startCron();
  }

  /**
   * Checks every minute (node-cron) and once right away, to catch up after a restart. node-cron is
   * loaded with the first subscription: it reads every tick's time through Intl, which maps about
   * 6 MB of ICU data into a bot that may never have a nudge to send.
   */
  async start(): Promise<void> {
    this.started = true;
    this.runTick();
    if (this.options.everyMinute) return this.startCron();
    this.pending = this.options.queue.nextDueAt();
    // Resolves once the minute check is running (at once when there is nothing to schedule yet).
    if ((await this.pending) !== undefined) await this.startCron();
  }

  // Errors are logged by tick(); deliveries may run on for hours, so the callback does not wait.
  private readonly runTick = () => void this.tick().catch(() => undefined);

  /** Starts the minute check, once; a no-op before start() (tests drive tick() themselves). */
  private async startCron(): Promise<void> {
    if (!this.started || this.cron) return;
    const { logger } = this.options;
    this.cron = import("node-cron").then(({ default: cron }) => {
      if (this.stopping.signal.aborted) return undefined;
      const task = cron.schedule("* * * * *", this.runTick, {
        name: "stepwise-nudges",
        logger: cronLogger(logger),
      });
      // Handled here, node-cron does not print its own warning; the next check sends what is due.
      task.on("execution:missed", ({ date }) => {
        logger.warn({ missed: date.toISOString() }, "the nudge check missed a minute (the process was busy)");
      });
      return task;
    });
    await this.cron;
  }

  /** Stops the minute check and waits for deliveries under way. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.freed?.();
    await this.pending.catch(() => undefined);
    await (await this.cron)?.destroy();
    await this.processing;
    await Promise.allSettled([...this.deliveries]);
  }

  /**
   * Handles everything due now. Resolves when this tick's deliveries have finished (or given up at
   * the end of their window); the next minute's tick does not wait for them.
   */
  tick(): Promise<TickReport> {
    const processed = this.processing.then(() => this.process());
    this.processing = processed.catch((error: unknown) => {
      this.options.logger.error({ err: error }, "nudge tick failed");
    });
    return processed.then(async ({ report, started }) => {
      await Promise.all(started);
      return report;
    });
  }

  private async process(): Promise<{ report: TickReport; started: Promise<void>[] }> {
    const report: TickReport = { sent: 0, skipped: 0, failed: 0 };
    const { queue, knowledge, clock } = this.options;
    const now = clock.now();
    const started: Promise<void>[] = [];
    const settle = (key: string, sub: Subscription) => settleSlot(knowledge, key, sub, now);
    // Until a round finds nothing due (what one round settled may have made no other due), or stop.
    while (!this.stopping.signal.aborted) {
      await this.room();
      if (this.stopping.signal.aborted) break;
      const { claimed, examined } = await queue.claimDue(now, MAX_HELD - this.held, settle);
      report.skipped += examined - claimed.length;
      for (const claim of claimed) {
        this.held++;
        const delivery = this.deliver(claim, report).finally(() => this.deliveries.delete(delivery));
        this.deliveries.add(delivery);
        started.push(delivery);
      }
      if (examined === 0) break;
    }
    return { report, started };
  }

  /** Resolves once fewer than MAX_HELD nudges are held (or at stop). */
  private room(): Promise<void> {
    if (this.held < MAX_HELD) return Promise.resolve();
    return new Promise((resolve) => {
      this.freed = resolve;
    });
  }

  /** A held nudge's first attempt ended: room for another claim. */
  private release(): void {
    this.held--;
    const wake = this.freed;
    this.freed = undefined;
    wake?.();
  }

  /** Delivers a held nudge, and lets go of it after its first attempt (see MAX_HELD). */
  private async deliver(claim: ClaimedNudge, report: TickReport): Promise<void> {
    let holding = true;
    const letGo = () => {
      if (!holding) return;
      holding = false;
      this.release();
    };
    try {
      await this.sendWithRetries(claim, report, letGo);
    } finally {
      letGo();
    }
  }

  /**
   * Sends with back-off while the day's window lasts; a permanent failure pauses the subscription.
   * `attempted` is called after the first attempt: one waiting to retry does not hold up others.
   */
  private async sendWithRetries(
    claim: ClaimedNudge,
    report: TickReport,
    attempted: () => void,
  ): Promise<void> {
    const { send, clock, logger, retry, queue, knowledge, weekOf } = this.options;
    const { address: key, slot, day } = claim;
    const week = await weekOf?.(key, slot, day).catch((error: unknown) => {
      // The day's nudge still goes out, without the summary.
      logger.error({ key, err: error }, "the group's week could not be read");
      return undefined;
    });
    const message = composeNudge(knowledge, key, slot, day, week).reply;
    const windowEnd = Date.parse(slot.next_at) + CATCH_UP_HOURS * 3_600_000;
    try {
      await pRetry(
        async () => {
          try {
            await send(key, message);
          } catch (error) {
            if (error instanceof DeliveryError && error.permanent) throw new AbortError(error);
            throw error;
          } finally {
            attempted();
          }
        },
        {
          retries: 50,
          factor: 2,
          minTimeout: retry?.minTimeout ?? 5_000,
          maxTimeout: retry?.maxTimeout ?? 10 * 60_000,
          maxRetryTime: Math.max(0, windowEnd - clock.now().getTime()),
          signal: this.stopping.signal,
          // The signal only cuts a wait short when it fires during pRetry: one that fired before the
          // first attempt (a delivery already under way at stop) would otherwise keep retrying.
          shouldRetry: () => !this.stopping.signal.aborted,
          onFailedAttempt: (error) =>
            logger.warn({ key, attempt: error.attemptNumber, err: error }, "nudge not delivered yet"),
        },
      );
    } catch (error) {
      report.failed++;
      const cause = error instanceof AbortError ? error.originalError : error;
      if (cause instanceof DeliveryError && cause.permanent) {
        await queue.pause(claim, cause.reason, clock.now());
        logger.warn({ key, reason: cause.reason }, "nudges paused: the chat cannot be reached");
      } else {
        logger.error({ key, err: cause }, "nudge not delivered within its window");
      }
      return;
    }
    report.sent++;
    // Only a record: the day was marked sent when claimed, so failing here sends nothing twice.
    await queue.complete(claim).catch((error: unknown) => {
      logger.error({ key, err: error }, "a delivered nudge could not be recorded as delivered");
    });
  }
}
