import type { BotCommand } from "grammy/types";
import type { CommandSpec } from "../../core/command.ts";

/** Telegram's limits for the command menu (setMyCommands). */
export const BOT_COMMAND_LIMITS = {
  count: 100,
  name: /^[a-z0-9_]{1,32}$/,
  descriptionLength: 256,
} as const;

/** The command menu Telegram shows, from the same registry every adapter routes. */
export function botCommands(commands: readonly CommandSpec[]): BotCommand[] {
  return commands.slice(0, BOT_COMMAND_LIMITS.count).map((spec) => ({
    command: spec.name,
    description: fitDescription(spec.description),
  }));
}

function fitDescription(text: string): string {
  const max = BOT_COMMAND_LIMITS.descriptionLength;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
