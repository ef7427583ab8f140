import { type Config, ConfigError, type EnabledPlatform } from "../config.ts";

/**
 * What one process runs (`npm start -- --role <name>`). One process does everything by default;
 * with a database, the work can be split across processes and machines:
 * - `all`: receives every platform's messages, answers them, and sends due nudges (the default);
 * - `worker`: only sends due nudges, through the platforms' HTTP APIs (no gateway, no polling);
 *   any number may run, and each due nudge goes to exactly one of them;
 * - `gateway`: only receives and answers through the connections one process may hold: Discord's
 *   gateway (every shard) and Telegram's long poll;
 * - `webhook`: only receives and answers Telegram's webhook; any number behind a load balancer.
 */
export const ROLE_NAMES = ["all", "worker", "gateway", "webhook"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface Role {
  name: RoleName;
  /** The platforms whose messages this process receives and answers. */
  receives: EnabledPlatform[];
  /** Whether it claims due nudges and sends them. */
  sendsNudges: boolean;
  /** Whether the terminal chat may run here (the default process only). */
  console: boolean;
}

/** Why a role other than `all` needs a database. */
const SHARED_ONLY =
  "shares the work with other Stepwise processes through a database: set STEPWISE_DATABASE_URL (the data file is for one process, which runs every part: --role all)";

/** What the receiving roles need set to have something to receive. */
const NOTHING_TO_RECEIVE: Partial<Record<RoleName, string>> = {
  gateway:
    "--role gateway receives through Discord's gateway or Telegram's long poll: set DISCORD_TOKEN, or TELEGRAM_BOT_TOKEN without TELEGRAM_WEBHOOK_URL.",
  webhook:
    "--role webhook receives Telegram's webhook: set TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET.",
};

/** The role named on the command line, checked against the configuration (a ConfigError saying what to set). */
export function chooseRole(name: string, config: Config): Role {
  if (!(ROLE_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(`--role must be one of ${ROLE_NAMES.join(", ")} (not "${name}").`);
  }
  const role = name as RoleName;
  if (role === "all") return { name: role, receives: config.platforms, sendsNudges: true, console: true };
  if (!config.STEPWISE_DATABASE_URL) throw new ConfigError(`--role ${role} ${SHARED_ONLY}.`);
  if (role === "worker") {
    if (config.platforms.length === 0) {
      throw new ConfigError(
        "--role worker sends nudges to the chat platforms: set TELEGRAM_BOT_TOKEN and/or DISCORD_TOKEN, as on the processes that receive.",
      );
    }
    return { name: role, receives: [], sendsNudges: true, console: false };
  }
  const receives = config.platforms.filter((platform) => platform.receiving === role);
  if (receives.length === 0)
    throw new ConfigError(NOTHING_TO_RECEIVE[role] ?? `--role ${role} has nothing to receive.`);
  return { name: role, receives, sendsNudges: false, console: false };
}
