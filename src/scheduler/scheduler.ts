import { setMaxListeners } from "node:events";
import { Heap } from "heap-js";
import type { Logger as CronLogger, ScheduledTask } from "node-cron";
import pRetry, { AbortError } from "p-retry";
import { markUnreachable, unreachableReason } from "../core/chats.ts";
import { DeliveryError } from "../core/errors.ts";
import type { Clock, Logger, NudgeSchedule, Store } from "../core/ports.ts";
import type { Subscription } from "../core/records.ts";
import type { Reply } from "../core/reply.ts";
import type { KnowledgeBase } from "../engine/knowledge/knowledge.ts";
import { afterSlot, CATCH_UP_HOURS, composeNudge, decide } from "../engine/nudges/nudges.ts";

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
  store: Store;
  knowledge: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  send: Sender;
  /** Back-off between delivery attempts (the defaults suit production; tests shorten them). */
  retry?: { minTimeout: number; maxTimeout: number };
}

export interface TickReport {
  sent: number;
  skipped: number;
  failed: number;
}

interface DueEntry {
  at: number;
  key: string;
}

/**
 * Sends each subscription's nudge once per local day. Due times sit in a heap ordered by instant,
 * so a tick costs O(due × log n), not O(n); the store is the truth and stale heap entries are
 * dropped when popped. A slot is recorded as sent before delivery, so a crash or restart can never
 * send it twice.
 */
export class NudgeScheduler implements NudgeSchedule {
  private readonly heap = new Heap<DueEntry>((a, b) => a.at - b.at);
  private readonly deliveries = new Set<Promise<void>>();
  private started = false;
  /** The minute check, once node-cron is loaded (see start). */
  private cron: Promise<ScheduledTask | undefined> | undefined;
  /** Aborts waiting retries at shutdown; the day stays claimed, so nothing is sent twice later. */
  private readonly stopping = new AbortController();
  /** The processing part of the latest tick; ticks queue behind it so none overlap. */
  private processing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SchedulerOptions) {
    // Every delivery under way listens for the stop: a fan-out has hundreds, none of them a leak.
    setMaxListeners(0, this.stopping.signal);
    for (const [key, sub] of Object.entries(options.store.read().subscriptions)) this.index(key, sub);
  }

  /** Due nudges wait in the heap, except ended ones and those of chats that cannot be reached. */
  private index(key: string, sub: Subscription | undefined): void {
    if (!sub || sub.ended_on || unreachableReason(this.options.store.read(), key) !== undefined) return;
    this.heap.push({ at: Date.parse(sub.next_at), key });
  }

  changed(key: string): void {
    this.index(key, this.options.store.read().subscriptions[key]);
    if (this.heap.size() > 0) void this.startCron();
  }

  /**
   * Checks every minute (node-cron) and once right away, to catch up after a restart. node-cron is
   * loaded with the first subscription: it reads every tick's time through Intl, which maps about
   * 6 MB of ICU data into a bot that may never have a nudge to send.
   */
  start(): Promise<void> {
    this.started = true;
    this.runTick();
    // Resolves once the minute check is running (at once when there is nothing to schedule yet).
    return this.heap.size() > 0 ? this.startCron() : Promise.resolve();
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
    const now = this.options.clock.now();
    const started: Promise<void>[] = [];
    // Handle all due at once so their store writes share syncs; a skipped slot may make the next one due.
    for (let due = this.popDue(now); due.length > 0; due = this.popDue(now)) {
      const handled = await Promise.all(due.map(([key, sub]) => this.handle(key, sub, now, report)));
      for (const item of handled) if (item) started.push(item.delivery);
    }
    return { report, started };
  }

  /** Pops every entry due by `now` whose subscription still has that due time. */
  private popDue(now: Date): Array<[string, Subscription]> {
    const due = new Map<string, Subscription>();
    for (let top = this.heap.peek(); top && top.at <= now.getTime(); top = this.heap.peek()) {
      this.heap.pop();
      const data = this.options.store.read();
      const sub = data.subscriptions[top.key];
      // A chat found unreachable since is re-indexed when it can be reached again (changed()).
      const reachable = unreachableReason(data, top.key) === undefined;
      if (sub && reachable && Date.parse(sub.next_at) === top.at) due.set(top.key, sub);
    }
    return [...due];
  }

  /** Applies one decision; returns the delivery under way, if one started. */
  private async handle(
    key: string,
    sub: Subscription,
    now: Date,
    report: TickReport,
  ): Promise<{ delivery: Promise<void> } | undefined> {
    const decision = decide(sub, now);
    if (decision.action === "wait") return undefined;
    const { store, knowledge } = this.options;
    if (decision.action === "skip") {
      const next = await store.update((data) => {
        const current = data.subscriptions[key];
        if (current) data.subscriptions[key] = afterSlot(current, decision.day, false, now);
        return data.subscriptions[key];
      });
      report.skipped++;
      this.index(key, next);
      return undefined;
    }
    const content = composeNudge(knowledge, key, sub, decision.day);
    // Claim the day before sending: at most one nudge a day, even if we crash mid-delivery.
    const claimed = await store.update((data) => {
      const current = data.subscriptions[key];
      if (!current) return undefined;
      const next = { ...afterSlot(current, decision.day, true, now), shown_tips: content.shown };
      data.subscriptions[key] = decision.closing ? { ...next, ended_on: decision.day } : next;
      return data.subscriptions[key];
    });
    if (!claimed) return undefined;
    this.index(key, claimed);
    const windowEnd = Date.parse(sub.next_at) + CATCH_UP_HOURS * 3_600_000;
    const delivery = this.deliver(key, claimed, content.reply, windowEnd, report).finally(() => {
      this.deliveries.delete(delivery);
    });
    this.deliveries.add(delivery);
    // Wrapped: returning the bare promise from an async function would wait for the delivery.
    return { delivery };
  }

  /** Sends with back-off while the day's window lasts; a permanent failure pauses the subscription. */
  private async deliver(
    key: string,
    sub: Subscription,
    message: Reply,
    windowEnd: number,
    report: TickReport,
  ) {
    const { send, clock, logger, retry } = this.options;
    try {
      await pRetry(
        async () => {
          try {
            await send(key, message);
          } catch (error) {
            if (error instanceof DeliveryError && error.permanent) throw new AbortError(error);
            throw error;
          }
        },
        {
          retries: 50,
          factor: 2,
          minTimeout: retry?.minTimeout ?? 5_000,
          maxTimeout: retry?.maxTimeout ?? 10 * 60_000,
          maxRetryTime: Math.max(0, windowEnd - clock.now().getTime()),
          signal: this.stopping.signal,
          onFailedAttempt: (error) =>
            logger.warn({ key, attempt: error.attemptNumber, err: error }, "nudge not delivered yet"),
        },
      );
      report.sent++;
    } catch (error) {
      report.failed++;
      const cause = error instanceof AbortError ? error.originalError : error;
      if (cause instanceof DeliveryError && cause.permanent) {
        await markUnreachable(this.options, key, cause.reason, sub.owner);
        logger.warn({ key, reason: cause.reason }, "nudges paused: the chat cannot be reached");
      } else {
        logger.error({ key, err: cause }, "nudge not delivered within its window");
      }
    }
  }
}
