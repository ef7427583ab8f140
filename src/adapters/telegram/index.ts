import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import { Bot, type BotError, GrammyError, HttpError } from "grammy";
import { ConfigError } from "../../config.ts";
import { internalErrorReply } from "../../core/dispatch.ts";
import type { Core } from "../../core/handle.ts";
import type { Adapter, Lease, Leases } from "../../core/ports.ts";
import type { Reply } from "../../core/reply.ts";
import type { LimiterFactory } from "../../limits/limiters.ts";
import { isTelegramAddress } from "./address.ts";
import { applyApiRules, postTo } from "./api.ts";
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
  private runner: RunnerHandle | undefined;
  private webhook: WebhookServer | undefined;
  private lease: Lease | undefined;
  /** Updates being handled, so `stop` can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted by `stop`: sends still waiting for a turn give up rather than hold the shutdown. */
  private readonly closing = new AbortController();

  constructor(private readonly options: TelegramAdapterOptions) {
    const { core, token, apiRoot, limits, limiters } = options;
    const { logger } = core.services;
    // Every send waiting for its turn listens for the stop: a fan-out has hundreds.
    setMaxListeners(0, this.closing.signal);
    this.bot = new Bot(token, apiRoot === undefined ? {} : { client: { apiRoot } });
    applyApiRules(this.bot.api, { logger, limits, limiters });
    this.bot.use(async (_ctx, next) => {
      const handled = next();
      this.inFlight.add(handled);
      try {
        await handled;
      } finally {
        this.inFlight.delete(handled);
      }
    });
    // Concurrent across chats, in order within one chat.
    this.bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
    this.bot.use(updateRouter({ core, username: () => this.bot.botInfo.username }));
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

  async stop(): Promise<void> {
    this.closing.abort();
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
    const handled = Promise.allSettled([...this.inFlight]);
    await this.webhook?.close(handled);
    await handled;
    await this.lease?.release();
  }

  owns(address: string): boolean {
    return isTelegramAddress(address);
  }

  send(address: string, content: Reply): Promise<void> {
    return postTo(this.bot.api, address, content, this.closing.signal);
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
