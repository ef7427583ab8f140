import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import * as z from "zod";
import { type Configured, platforms } from "./adapters/index.ts";
import { optional, readEnv } from "./env.ts";

const coreSettings = z.object({
  STEPWISE_DATA: z.string().min(1).default("data/stepwise.json"),
  /** Where the console writes files sent with replies; `files/` beside the data file by default. */
  STEPWISE_FILES: optional(z.string().min(1)),
  /** When set, data lives in this PostgreSQL database instead of the data file. */
  STEPWISE_DATABASE_URL: optional(
    z.url({
      protocol: /^postgres(ql)?$/,
      error: "must be a postgres:// URL, e.g. postgres://127.0.0.1/stepwise",
    }),
  ),
  LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
});

/** A platform whose token is set: it is started. */
export type EnabledPlatform = Extract<Configured, { ok: true }> & { name: string; token: string };

export type Config = z.infer<typeof coreSettings> & {
  /** The platforms whose token is set, in the order of src/adapters/index.ts. */
  platforms: EnabledPlatform[];
};

/** A setting that is wrong: the message names the variable and how to fix it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** The environment, with the variables of `.env` in the working folder added when there is one. */
export function loadDotEnv(): NodeJS.ProcessEnv {
  if (existsSync(".env")) {
    try {
      process.loadEnvFile(".env");
    } catch (error) {
      throw new ConfigError(`.env cannot be read (${(error as Error).message}): fix it, or remove it.`);
    }
  }
  return process.env;
}

/** Validates the environment once, at start-up: the core's settings and each platform's own. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const core = readEnv(coreSettings, env);
  const issues = core.ok ? [] : [...core.issues];
  const enabled: EnabledPlatform[] = [];
  for (const platform of platforms) {
    const configured = platform.configure(env);
    if (!configured.ok) issues.push(...configured.issues);
    else if (configured.token !== undefined) {
      enabled.push({ ...configured, name: platform.name, token: configured.token });
    }
  }
  if (!core.ok || issues.length > 0) {
    throw new ConfigError(`Invalid configuration (check .env or the environment):\n  ${issues.join("\n  ")}`);
  }
  return { ...core.value, platforms: enabled };
}

/** The folder the console writes reply files to (calendars, pictures). */
export const filesFolder = (config: Pick<Config, "STEPWISE_DATA" | "STEPWISE_FILES">): string =>
  config.STEPWISE_FILES ?? join(dirname(config.STEPWISE_DATA), "files");
