import { once } from "node:events";
import { createServer } from "node:http";
import { type Bot, webhookCallback } from "grammy";
import { ConfigError } from "../../config.ts";
import type { Logger } from "../../core/ports.ts";

/** Webhook mode: Telegram posts each update to this address, with the secret in a header. */
export interface WebhookSettings {
  /** The public HTTPS address Telegram posts to (through a load balancer to every instance). */
  url: string;
  /** Sent by Telegram as X-Telegram-Bot-Api-Secret-Token; requests without it are refused. */
  secret: string;
  /** Where this instance listens for them. */
  host: string;
  port: number;
}

/** The updates Stepwise handles, in webhook and long-polling mode alike. */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

/**
 * Telegram waits this long for an update's answer; a slower one is answered (200) and goes on, so
 * Telegram does not send it again while it is still being handled.
 */
const ANSWER_WITHIN_MS = 10_000;

export interface WebhookServer {
  /** Stops taking updates, waits for `handled` (those under way), then closes every connection. */
  close(handled?: Promise<unknown>): Promise<void>;
}

/**
 * Serves the webhook on Node's http server through grammY's webhook callback, which refuses a
 * request without the right secret (401) before reading it, then tells Telegram where to post
 * (setWebhook with the secret). Any number of instances may do so behind one load balancer.
 */
export async function serveWebhook(
  bot: Bot,
  settings: WebhookSettings,
  logger: Logger,
): Promise<WebhookServer> {
  const handle = webhookCallback(bot, "http", {
    secretToken: settings.secret,
    onTimeout: "return",
    timeoutMilliseconds: ANSWER_WITHIN_MS,
  });
  const path = new URL(settings.url).pathname;
  const server = createServer((req, res) => {
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://webhook").pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "telegram webhook request failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(settings.port, settings.host);
  try {
    await once(server, "listening");
  } catch (error) {
    throw new ConfigError(
      `The Telegram webhook cannot listen on ${settings.host}:${settings.port} (${(error as Error).message}): set TELEGRAM_WEBHOOK_PORT to a free port.`,
    );
  }
  const close = async (handled?: Promise<unknown>) => {
    const closed = once(server, "close");
    server.close();
    await handled;
    server.closeAllConnections();
    await closed;
  };
  try {
    await bot.api.setWebhook(settings.url, {
      secret_token: settings.secret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ url: settings.url, port: settings.port }, "telegram webhook set");
  return { close };
}
