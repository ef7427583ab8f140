import { z } from "zod";
import { baseUrl, optional, readEnv } from "../../env.ts";
import type { Platform } from "../index.ts";

export const telegramSettings = z.object({
  TELEGRAM_BOT_TOKEN: optional(
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{30,}$/, "looks wrong: BotFather gives tokens like 123456:ABC-DEF..."),
  ),
  TELEGRAM_API_ROOT: optional(baseUrl),
});

export const telegram: Platform = {
  name: "telegram",
  configure(env) {
    const read = readEnv(telegramSettings, env);
    if (!read.ok) return read;
    const { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: apiRoot } = read.value;
    return {
      ok: true,
      token,
      async create(core) {
        const { createTelegramAdapter } = await import("./index.ts");
        return createTelegramAdapter({ token: token ?? "", ...(apiRoot ? { apiRoot } : {}), core });
      },
    };
  },
};
