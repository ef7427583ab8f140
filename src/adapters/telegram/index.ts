import { setMaxListeners } from "node:events";
import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import { Bot, type BotError, GrammyError, HttpError, type Transformer } from "grammy";
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
import { type ThrottleLimits, throttle } from "./throttle.ts";

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

/** Stepwise on Telegram: long polling through grammY's runner, one chat's updates in order. */
export function createTelegramAdapter(options: TelegramAdapterOptions): Adapter {
  return new TelegramAdapter(options);
}

class TelegramAdapter implements Adapter {
  readonly name = "telegram";
  private readonly bot: Bot;
  private runner: RunnerHandle | undefined;
  /** Updates being handled, so `stop` can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted by `stop`: sends still waiting for a turn give up rather than hold the shutdown. */
  private readonly closing = new AbortController();

  constructor(private readonly options: TelegramAdapterOptions) {
    const { core, token, apiRoot, limits } = options;
    const { logger } = core.services;
    // Every send waiting for its turn listens for the stop: a fan-out has hundreds.
    setMaxListeners(0, this.closing.signal);
    this.bot = new Bot(token, apiRoot === undefined ? {} : { client: { apiRoot } });
    // The last transformer runs first: throttle, then the time limit, auto-retry and logging.
    // Logging sits inside auto-retry, so every failed attempt is seen, not just the last; the
    // throttle sits outside it, so a retry after a 429 keeps the wait Telegram asked for.
    this.bot.api.config.use(
      logFailures(logger),
      autoRetry({ maxDelaySeconds: MAX_RETRY_AFTER_SECONDS, maxRetryAttempts: 5 }),
      timeLimit(CALL_TIMEOUT_MS),
      throttle(limits),
    );
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

  async stop(): Promise<void> {
    this.closing.abort();
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
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
      await sendReply(this.bot.api, chatId, content, { signal: this.closing.signal });
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
