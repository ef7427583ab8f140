import { z } from "zod";

// An empty line in .env ("DISCORD_TOKEN=") means "not set", not "set to nothing".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );

const url = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !value.endsWith("/"), "remove the trailing slash");

export const configSchema = z.object({
  TELEGRAM_BOT_TOKEN: optional(
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{30,}$/, "looks wrong: BotFather gives tokens like 123456:ABC-DEF..."),
  ),
  TELEGRAM_API_ROOT: optional(url),
  DISCORD_TOKEN: optional(
    z.string().min(50, "looks too short: copy the bot token from the Developer Portal"),
  ),
  DISCORD_API_URL: optional(url),
  DISCORD_GUILD_ID: optional(z.string().regex(/^\d{17,20}$/, "must be a server id (17-20 digits)")),
  STEPWISE_DATA: z.string().min(1).default("data/stepwise.json"),
  LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
});

export type Config = z.infer<typeof configSchema>;

/** A setting that is wrong: the message names the variable and how to fix it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Validates the environment once, at start-up. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration (check .env or the environment):\n  ${lines.join("\n  ")}`);
}
