import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run } from "@grammyjs/runner";
import { Api, Bot, type BotError, GrammyError, HttpError, type Transformer } from "grammy";
import { ConfigError } from "../../config.ts";
import { internalErrorReply } from "../../core/dispatch.ts";
import { DeliveryError } from "../../core/errors.ts";
import type { Core } from "../../core/handle.ts";
import type { Adapter, Logger } from "../../core/ports.ts";
import type { Reply } from "../../core/reply.ts";
import { chatIdOf, isTelegramAddress } from "./address.ts";
import { botCommands } from "./botCommands.ts";
import { describeApiError, sendReply, toDeliveryError } from "./delivery.ts";
import { renderHtml } from "./render.ts";
import { updateRouter } from "./router.ts";
import { type SendBudget, sendBudget, type ThrottleLimits } from "./throttle.ts";

export interface TelegramAdapterOptions {
  /** The token BotFather gave. */
  token: string;
  /** A self-hosted Bot API server (no trailing slash); Telegram's own when absent. */
  apiRoot?: string;
  core: Core;
  /** Telegram's rate limits by default; tests shrink them. */
  limits?: ThrottleLimits;
}

/**
 * How long one API call may take, auto-retries included, once the throttle lets it go (waiting
 * for a turn is not counted: a large fan-out queues for longer than this, by design).
 */
const CALL_TIMEOUT_MS = 60_000;
/** A 429 asking to wait longer than this fails the call instead of holding a reply that long. */
const MAX_RETRY_AFTER_SECONDS = 60;
/**
 * How long `stop` lets the updates being handled finish before their sends stop waiting for a
 * turn: well inside the program's 5 s shutdown deadline, with time left to write the store.
 */
const STOP_GRACE_MS = 2_500;

/** Stepwise on Telegram: long polling through grammY's runner, one person's updates in order. */
export function createTelegramAdapter(options: TelegramAdapterOptions): Adapter {
  return new TelegramAdapter(options);
}

class TelegramAdapter implements Adapter {
  readonly name = "telegram";
  private readonly bot: Bot;
  /** The same client for scheduled sends (nudges), which wait for their turn in a busy group. */
  private readonly scheduled: Api;
  private runner: RunnerHandle | undefined;
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
    const { core, token, apiRoot, limits } = options;
    const { logger } = core.services;
    // Every send waiting for its turn listens for the stop: a fan-out has hundreds.
    setMaxListeners(0, this.closing.signal);
    setMaxListeners(0, this.closed.signal);
    const client = apiRoot === undefined ? {} : { apiRoot };
    this.bot = new Bot(token, { client });
    // The last transformer runs first: the send budget, then the time limit, auto-retry and
    // logging. Logging sits inside auto-retry, so every failed attempt is seen, not just the last;
    // the budget sits outside it, so a retry after a 429 keeps the wait Telegram asked for.
    this.bot.api.config.use(
      logFailures(logger),
      autoRetry({ maxDelaySeconds: MAX_RETRY_AFTER_SECONDS, maxRetryAttempts: 5 }),
      timeLimit(CALL_TIMEOUT_MS),
    );
    const budget: SendBudget = sendBudget(limits);
    this.scheduled = new Api(token, client);
    this.scheduled.config.use(...this.bot.api.config.installedTransformers(), budget.scheduled);
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
    // Long polling and a webhook exclude each other; updates queued meanwhile are kept.
    await this.bot.api.deleteWebhook();
    try {
      await this.bot.api.setMyCommands(botCommands(this.options.core.commands));
    } catch (error) {
      // The menu is a convenience: typed commands work without it.
      logger.error({ err: describeApiError(error) }, "could not register the Telegram command menu");
    }
    const runner = run(this.bot, {
      runner: { silent: true, fetch: { allowed_updates: ["message", "callback_query", "my_chat_member"] } },
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
    await Promise.allSettled([...this.inFlight]);
  }

  owns(address: string): boolean {
    return isTelegramAddress(address);
  }

  async send(address: string, content: Reply): Promise<void> {
    const chatId = chatIdOf(address);
    if (chatId === undefined) {
      throw new DeliveryError(`"${address}" is not a Telegram chat`, true, "not a Telegram chat");
    }
    try {
      await sendReply(this.scheduled, chatId, content, { signal: this.closing.signal });
    } catch (error) {
      throw toDeliveryError(error);
    }
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

/** Bounds every call but the long poll (which has its own timeout): a hung request fails. */
function timeLimit(ms: number): Transformer {
  return (prev, method, payload, signal) => {
    if (method === "getUpdates") return prev(method, payload, signal);
    const limit = AbortSignal.timeout(ms);
    const bounded = signal ? AbortSignal.any([signal as AbortSignal, limit]) : limit;
    return prev(method, payload, bounded as typeof signal);
  };
}

/** Logs each refused or failed API call without its payload (message text may be personal). */
function logFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) {
        const { error_code, description, parameters } = result;
        logger.warn({ method, error_code, description, parameters }, "Telegram refused an API call");
      }
      return result;
    } catch (error) {
      if (!signal?.aborted) logger.warn({ method, err: describeApiError(error) }, "Telegram API unreachable");
      throw error;
    }
  };
}
