import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { type RunnerHandle, run } from "@grammyjs/runner";
import { Api, Bot, type BotError, GrammyError, HttpError } from "grammy";
import { ConfigError } from "../../config.ts";
import { internalErrorReply } from "../../core/dispatch.ts";
import type { Core } from "../../core/handle.ts";
import type { Adapter, Lease, Leases } from "../../core/ports.ts";
import type { Reply } from "../../core/reply.ts";
import type { LimiterFactory } from "../../limits/limiters.ts";
import { isTelegramAddress } from "./address.ts";
import { applyApiRules, budgetFor, postTo } from "./api.ts";
import { botCommands } from "./botCommands.ts";
import { describeApiError } from "./delivery.ts";
import { renderHtml } from "./render.ts";
import { updateRouter } from "./router.ts";
import type { ThrottleLimits } from "./throttle.ts";
import { ALLOWED_UPDATES, serveWebhook, type WebhookServer, type WebhookSettings } from "./webhook.ts";

export interface TelegramAdapterOptions {
  /** The token BotFather gave. */
  token: string;
  /** A self-hosted Bot API server (no trailing slash); Telegram's own when absent. */
  apiRoot?: string;
  core: Core;
  /** Telegram's rate limits by default; tests shrink them. */
  limits?: ThrottleLimits;
  /** Where the rate budgets are kept (in memory by default; the database shares them across processes). */
  limiters?: LimiterFactory;
  /** Receive updates through a webhook instead of long polling (several instances). */
  webhook?: WebhookSettings | undefined;
  /** Long polling takes the bot's lease, so a second poller on the same database is refused. */
  leases?: Leases;
}

/**
 * How long `stop` lets the updates being handled finish before their sends stop waiting for a
 * turn: well inside the program's 5 s shutdown deadline, with time left to write the store.
 */
const STOP_GRACE_MS = 2_500;

/** Why a second poller is refused, and what to do instead. */
export const SECOND_POLLER =
  "Another Stepwise process is already polling Telegram with this TELEGRAM_BOT_TOKEN on this database, and Telegram lets only one process poll a bot (the others would end it with 409 Conflict). To run several processes, set TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET on every instance (webhook mode, behind a load balancer), or start the extra ones with --role worker (they send nudges and receive nothing).";

/**
 * Stepwise on Telegram: long polling through grammY's runner (one process per bot), or a webhook
 * (any number of instances); one chat's updates in order within a process.
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): Adapter {
  return new TelegramAdapter(options);
}

class TelegramAdapter implements Adapter {
  readonly name = "telegram";
  private readonly bot: Bot;
  /** The same client for scheduled sends (nudges), which wait for their turn in a busy group. */
  private readonly scheduled: Api;
  private runner: RunnerHandle | undefined;
  private webhook: WebhookServer | undefined;
  private lease: Lease | undefined;
  /** Updates being handled or waiting in their sender's queue, so `stop` can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();
  /** The newest update taken, confirmed to Telegram at `stop` so none comes back after a restart. */
  private lastUpdateId = 0;
  private stopping = false;
  /** Aborted by `stop` at once: nudges still waiting for a turn give up rather than hold the shutdown. */
  private readonly closing = new AbortController();
  /** Aborted by `stop` after the grace period: replies still waiting for a turn give up too. */
  private readonly closed = new AbortController();

  constructor(private readonly options: TelegramAdapterOptions) {
    const { core, token, apiRoot, limits, limiters } = options;
    const { logger } = core.services;
    // Every send waiting for its turn listens for the stop: a fan-out has hundreds.
    setMaxListeners(0, this.closing.signal);
    setMaxListeners(0, this.closed.signal);
    const client = apiRoot === undefined ? {} : { apiRoot };
    this.bot = new Bot(token, { client });
    applyApiRules(this.bot.api, logger);
    const budget = budgetFor({ logger, limits, limiters });
    // Scheduled sends (nudges) use their own client, whose turns may wait in a busy group.
    this.scheduled = new Api(token, client);
    applyApiRules(this.scheduled, logger, budget.scheduled);
    this.bot.use(async (ctx, next) => {
      this.lastUpdateId = Math.max(this.lastUpdateId, ctx.update.update_id);
      ctx.api.config.use(budget.replies(ctx.from?.id, this.closed.signal));
      const handled = next();
      this.inFlight.add(handled);
      try {
        await handled;
      } finally {
        this.inFlight.delete(handled);
      }
    });
    this.bot.use(
      updateRouter({ core, username: () => this.bot.botInfo.username, stopping: () => this.stopping }),
    );
    this.bot.catch((error) => this.onError(error));
  }

  async start(): Promise<void> {
    const { logger } = this.options.core.services;
    try {
      await this.bot.init();
    } catch (error) {
      throw startError(error);
    }
    const { webhook, leases } = this.options;
    if (!webhook) {
      // One poller per bot among the processes sharing the database: refused here, not by a 409 loop.
      const digest = createHash("sha256").update(this.options.token).digest("hex").slice(0, 32);
      this.lease = await leases?.acquire(`telegram polling ${digest}`);
      if (leases && !this.lease) throw new ConfigError(SECOND_POLLER);
      try {
        // Long polling and a webhook exclude each other; updates queued meanwhile are kept.
        await this.bot.api.deleteWebhook();
      } catch (error) {
        await this.lease?.release();
        throw error;
      }
    }
    try {
      await this.bot.api.setMyCommands(botCommands(this.options.core.commands));
    } catch (error) {
      // The menu is a convenience: typed commands work without it.
      logger.error({ err: describeApiError(error) }, "could not register the Telegram command menu");
    }
    if (webhook) {
      this.webhook = await serveWebhook(this.bot, webhook, logger);
      logger.info({ username: this.bot.botInfo.username }, "telegram bot started (webhook)");
      return;
    }
    const runner = run(this.bot, {
      runner: { silent: true, fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
    });
    this.runner = runner;
    runner.task()?.catch((error: unknown) => {
      logger.error(
        { err: describeApiError(error) },
        "Telegram stopped delivering updates (409 means another instance polls with the same token)",
      );
    });
    logger.info({ username: this.bot.botInfo.username }, "telegram bot started");
  }

  /**
   * Stops taking updates and drops those still waiting in their sender's queue; the ones being
   * handled get STOP_GRACE_MS to finish, then their sends stop waiting for a turn.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.closing.abort();
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
    if (runner && this.lastUpdateId > 0) {
      // grammY's runner confirms an update only with the next fetch: without this, the last ones
      // taken (answered or dropped) would all come back at the next start.
      const confirm = { offset: this.lastUpdateId + 1, limit: 1, timeout: 0 };
      const signal = AbortSignal.timeout(1_000) as Parameters<Api["getUpdates"]>[1];
      await this.bot.api.getUpdates(confirm, signal).catch(() => undefined);
    }
    const settled = Promise.allSettled([...this.inFlight]);
    await Promise.race([settled, sleep(STOP_GRACE_MS, undefined, { ref: false })]);
    this.closed.abort();
    const handled = Promise.allSettled([...this.inFlight]);
    await this.webhook?.close(handled);
    await handled;
    await this.lease?.release();
  }

  owns(address: string): boolean {
    return isTelegramAddress(address);
  }

  send(address: string, content: Reply): Promise<void> {
    return postTo(this.scheduled, address, content, this.closing.signal);
  }

  /** One bad update never stops the bot: log it with its id and tell the person when possible. */
  private onError(error: BotError): void {
    const updateId = error.ctx.update.update_id;
    const cause = error.error;
    this.options.core.services.logger.error(
      { updateId, err: describeApiError(cause) },
      "telegram update failed",
    );
    const fromTelegram = cause instanceof GrammyError || cause instanceof HttpError;
    const [html] = renderHtml(internalErrorReply(String(updateId)));
    if (!fromTelegram && error.ctx.chat && html) {
      error.ctx.reply(html, { parse_mode: "HTML" }).catch(() => undefined);
    }
  }
}

function startError(error: unknown): unknown {
  if (error instanceof GrammyError && error.error_code === 401) {
    return new ConfigError(
      "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized). Open @BotFather in Telegram, send /mybots, pick your bot, choose API Token, and copy the whole token into .env (or revoke it there and use the new one).",
    );
  }
  return error;
}
