import * as z from "zod";
import { baseUrl, optional, readEnv } from "../../env.ts";
import type { Platform } from "../index.ts";

export const telegramSettings = z
  .object({
    TELEGRAM_BOT_TOKEN: optional(
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{30,}$/, "looks wrong: BotFather gives tokens like 123456:ABC-DEF..."),
    ),
    TELEGRAM_API_ROOT: optional(baseUrl),
    /** Webhook mode: the public address Telegram posts updates to (several instances behind a load balancer). */
    TELEGRAM_WEBHOOK_URL: optional(
      z.url({
        protocol: /^https?$/,
        error: "must be the webhook's public address, e.g. https://bot.example.org/telegram",
      }),
    ),
    /** Telegram's rule for secret_token: 1-256 of A-Z a-z 0-9 _ -; at least 16 here, so it cannot be guessed. */
    TELEGRAM_WEBHOOK_SECRET: optional(
      z
        .string()
        .regex(
          /^[A-Za-z0-9_-]{16,256}$/,
          "must be 16 to 256 letters, digits, _ or - (e.g. the output of: openssl rand -hex 32)",
        ),
    ),
    /** Where this instance listens for the webhook's requests (default 0.0.0.0:8080). */
    TELEGRAM_WEBHOOK_PORT: optional(z.coerce.number().int().min(1).max(65_535)),
    TELEGRAM_WEBHOOK_HOST: optional(z.string()),
  })
  .refine((env) => (env.TELEGRAM_WEBHOOK_URL === undefined) === (env.TELEGRAM_WEBHOOK_SECRET === undefined), {
    path: ["TELEGRAM_WEBHOOK_SECRET"],
    message:
      "set TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET together (webhook mode), or neither (long polling)",
  });

export const telegram: Platform = {
  name: "telegram",
  configure(env) {
    const read = readEnv(telegramSettings, env);
    if (!read.ok) return read;
    const { TELEGRAM_BOT_TOKEN: token = "", TELEGRAM_API_ROOT: apiRoot } = read.value;
    const { TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: secret } = read.value;
    const webhook =
      url && secret
        ? {
            url,
            secret,
            host: read.value.TELEGRAM_WEBHOOK_HOST ?? "0.0.0.0",
            port: read.value.TELEGRAM_WEBHOOK_PORT ?? 8080,
          }
        : undefined;
    return {
      ok: true,
      token: read.value.TELEGRAM_BOT_TOKEN,
      receiving: webhook ? "webhook" : "gateway",
      async create(core, { leases, limiters }) {
        const { createTelegramAdapter } = await import("./index.ts");
        return createTelegramAdapter({
          token,
          ...(apiRoot ? { apiRoot } : {}),
          core,
          limiters,
          leases,
          webhook,
        });
      },
      async outbox({ logger, limiters }) {
        const { createTelegramOutbox } = await import("./outbox.ts");
        return createTelegramOutbox({ token, apiRoot, logger, limiters });
      },
    };
  },
};
