import { setTimeout as sleep } from "node:timers/promises";
import {
  ApplicationCommandOptionType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import {
  type Caller,
  type CommandContext,
  type CommandSpec,
  isGroup,
  type Services,
} from "../../core/command.ts";
import { errorReply, execute, findCommand, type Outcome, type Resolved } from "../../core/dispatch.ts";
import type { Reply } from "../../core/reply.ts";
import { MAX_SUGGESTIONS, suggesters } from "./autocomplete.ts";
import { type RenderedMessage, renderReply } from "./render.ts";

export interface InteractionDeps {
  services: Services;
  commands: readonly CommandSpec[];
  /** How long a command may run before its reply is deferred (Discord waits 3 s for the first answer). */
  deferAfterMs: number;
}

/** Nothing the bot sends may ping anyone, whatever text it echoes. */
export const NO_MENTIONS = { parse: [] };

const toReplyOptions = (message: RenderedMessage, ephemeral: boolean): InteractionReplyOptions => ({
  ...message,
  allowedMentions: NO_MENTIONS,
  ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
});

// An edit keeps the flags the deferral set; Discord rejects the ephemeral flag there.
const toEditOptions = (message: RenderedMessage): InteractionEditReplyOptions => ({
  content: message.content ?? null,
  embeds: message.embeds ?? [],
  allowedMentions: NO_MENTIONS,
});

/** Who ran the interaction and where: a server channel is a group, a DM with the bot is private. */
export function callerOf(interaction: ChatInputCommandInteraction): Caller {
  const { user } = interaction;
  return {
    platform: "discord",
    userId: `discord:${user.id}`,
    displayName: user.globalName ?? user.username,
    chatId: `discord:${interaction.channelId}`,
    chatKind: interaction.guildId ? "group" : "private",
    canManage: async () => interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}

/** The registry command an interaction names, with its option values; undefined when unknown. */
export function resolveInteraction(
  interaction: ChatInputCommandInteraction,
  commands: readonly CommandSpec[],
): Resolved | undefined {
  const spec = findCommand(commands, interaction.commandName);
  if (!spec) return undefined;
  let options: readonly CommandInteractionOption[] = interaction.options.data;
  let leaf = isGroup(spec) ? undefined : spec;
  if (isGroup(spec)) {
    const sub = options.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
    leaf = spec.subcommands.find((s) => s.name === sub?.name);
    options = sub?.options ?? [];
  }
  if (!leaf) return undefined;
  const raw = Object.fromEntries(options.map((o) => [o.name, o.value]));
  return { leaf, path: isGroup(spec) ? `${spec.name} ${leaf.name}` : spec.name, raw };
}

/** Sends a reply as the interaction's answer: reply or deferred edit first, follow-ups for the rest. */
export async function respond(interaction: ChatInputCommandInteraction, reply: Reply): Promise<void> {
  const [first, ...rest] = renderReply(reply);
  const ephemeral = reply.private;
  if (!first) return;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(toReplyOptions(first, ephemeral));
  } else if (ephemeral && !interaction.ephemeral) {
    // Deferred in public but the answer is private: drop the public placeholder, answer privately.
    await interaction.deleteReply();
    await interaction.followUp(toReplyOptions(first, true));
  } else {
    await interaction.editReply(toEditOptions(first));
  }
  for (const message of rest) await interaction.followUp(toReplyOptions(message, ephemeral));
}

/** Runs a command; if it has not finished within `deferAfterMs`, defers first so Discord keeps waiting. */
async function runWithDeferral(
  interaction: ChatInputCommandInteraction,
  resolved: Resolved,
  ctx: CommandContext,
  deferAfterMs: number,
): Promise<Outcome> {
  const running = execute(resolved, ctx);
  const timer = new AbortController();
  const early = await Promise.race([
    running,
    sleep(deferAfterMs, undefined, { signal: timer.signal }).catch(() => undefined),
  ]);
  timer.abort();
  if (early) return early;
  // Personal commands defer privately so the placeholder is seen only by the caller.
  await interaction.deferReply(resolved.leaf.personal ? { flags: MessageFlags.Ephemeral } : {});
  return running;
}

/** Routes one slash command to the engine and answers it. */
export async function handleChatInput(
  interaction: ChatInputCommandInteraction,
  deps: InteractionDeps,
): Promise<void> {
  const { services, commands, deferAfterMs } = deps;
  const resolved = resolveInteraction(interaction, commands);
  if (!resolved) {
    // Discord still shows a command this version no longer has, until registration catches up.
    const names = commands.map((c) => `/${c.name}`).join(", ");
    await respond(
      interaction,
      errorReply(`/${interaction.commandName} is not available any more. Commands: ${names}.`),
    );
    return;
  }
  const ctx: CommandContext = {
    caller: callerOf(interaction),
    services,
    commands,
    requestId: interaction.id,
  };
  const outcome = await runWithDeferral(interaction, resolved, ctx, deferAfterMs);
  await respond(interaction, outcome.reply);
}

/** Answers an autocomplete request with suggestions for the focused option (none when it has no suggester). */
export async function handleAutocomplete(
  interaction: AutocompleteInteraction,
  services: Services,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const sub = interaction.options.getSubcommand(false);
  const path = sub ? `${interaction.commandName} ${sub}` : interaction.commandName;
  const suggest = suggesters[`${path}.${focused.name}`];
  const suggestions = suggest ? suggest(String(focused.value), services) : [];
  await interaction.respond(
    suggestions.slice(0, MAX_SUGGESTIONS).map((text) => ({ name: text, value: text })),
  );
}
