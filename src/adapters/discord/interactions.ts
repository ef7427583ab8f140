import { setTimeout as sleep } from "node:timers/promises";
import {
  ApplicationCommandOptionType,
  type AttachmentBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import type { Caller, Services } from "../../core/command.ts";
import { resolveParsed } from "../../core/dispatch.ts";
import type { Core, Inbound, Input, Response } from "../../core/handle.ts";
import { repliesPrivately } from "../../core/preconditions.ts";
import { CHOICE_PREFIX, type Reply } from "../../core/reply.ts";
import { channelAddress, userAddress } from "./address.ts";
import { MAX_SUGGESTIONS, suggesters } from "./autocomplete.ts";
import { attachmentsOf } from "./files.ts";
import { type RenderedMessage, renderReply } from "./render.ts";

/** What the bot answers: a slash command, or a press of one of its reply's buttons (a Choice). */
export type Answerable = ChatInputCommandInteraction | ButtonInteraction;

export interface InteractionDeps {
  core: Core;
  /** How long a command may run before its reply is deferred (Discord waits 3 s for the first answer). */
  deferAfterMs: number;
}

/** Nothing the bot sends may ping anyone, whatever text it echoes. */
export const NO_MENTIONS = { parse: [] };

const toReplyOptions = (
  message: RenderedMessage,
  ephemeral: boolean,
  files: AttachmentBuilder[],
): InteractionReplyOptions => ({
  ...message,
  allowedMentions: NO_MENTIONS,
  ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  ...(files.length > 0 ? { files } : {}),
});

// An edit keeps the flags the deferral set; Discord rejects the ephemeral flag there.
const toEditOptions = (
  message: RenderedMessage,
  files: AttachmentBuilder[],
): InteractionEditReplyOptions => ({
  content: message.content ?? null,
  embeds: message.embeds ?? [],
  components: message.components ?? [],
  allowedMentions: NO_MENTIONS,
  ...(files.length > 0 ? { files } : {}),
});

/** Who ran the interaction and where: a server channel is a group, a DM with the bot is private. */
export function callerOf(interaction: Answerable): Caller {
  const { user } = interaction;
  return {
    userId: userAddress(user.id),
    displayName: user.globalName ?? user.username,
    address: channelAddress(interaction.channelId),
    chatKind: interaction.guildId ? "group" : "private",
    canManage: async () => interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}

/** The slash command as the core's input: its name, subcommand and option values, as Discord parsed them. */
export function inputOf(interaction: ChatInputCommandInteraction): Input & { kind: "command" } {
  let options: readonly CommandInteractionOption[] = interaction.options.data;
  const sub = options.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (sub) options = sub.options ?? [];
  return {
    kind: "command",
    name: interaction.commandName,
    ...(sub ? { subcommand: sub.name } : {}),
    options: Object.fromEntries(options.map((o) => [o.name, o.value])),
  };
}

/** A button press as the core's input: the line its choice runs, as if the person had typed it. */
const choiceInput = (interaction: ButtonInteraction): Input & { kind: "text" } => ({
  kind: "text",
  text: interaction.customId.slice(CHOICE_PREFIX.length),
});

/** The interaction as the core's event: always addressed to the bot, and replies can be ephemeral. */
export const eventOf = (interaction: Answerable): Inbound => ({
  via: "discord",
  requestId: interaction.id,
  caller: callerOf(interaction),
  input: interaction.isButton() ? choiceInput(interaction) : inputOf(interaction),
  addressed: true,
  ephemeral: true,
});

/**
 * Sends a reply as the interaction's answer: reply or deferred edit first, follow-ups for the rest.
 * Its files are attachments of the last message, so they come after the text that explains them
 * and are seen by exactly those who see that message (ephemeral stays ephemeral).
 */
export async function respond(interaction: Answerable, reply: Reply, ephemeral: boolean): Promise<void> {
  const messages = renderReply(reply);
  const [first, ...rest] = messages;
  if (!first) return;
  const attachments = attachmentsOf(reply.files ?? []);
  const filesOf = (message: RenderedMessage) => (message === messages.at(-1) ? attachments : []);
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(toReplyOptions(first, ephemeral, filesOf(first)));
  } else if (ephemeral && !interaction.ephemeral) {
    // Deferred in public but the answer is private: drop the public placeholder, answer privately.
    await interaction.deleteReply();
    await interaction.followUp(toReplyOptions(first, true, filesOf(first)));
  } else {
    await interaction.editReply(toEditOptions(first, filesOf(first)));
  }
  for (const message of rest)
    await interaction.followUp(toReplyOptions(message, ephemeral, filesOf(message)));
}

/** Whether the command's answer will be for the caller alone, so a deferral can be private too. */
function answersPrivately(input: Input & { kind: "command" }, core: Core): boolean {
  try {
    const { leaf } = resolveParsed(input.name, input.subcommand, input.options, core.commands);
    return repliesPrivately(leaf);
  } catch {
    // Unknown to this version: the answer is an error, which is private.
    return true;
  }
}

/** The core's response; if it has not come within `deferAfterMs`, defers first so Discord keeps waiting. */
async function handleWithDeferral(
  interaction: Answerable,
  event: Inbound,
  deps: InteractionDeps,
): Promise<Response> {
  const running = deps.core.handle(event);
  const timer = new AbortController();
  const early = await Promise.race([
    running,
    sleep(deps.deferAfterMs, undefined, { signal: timer.signal }).catch(() => undefined),
  ]);
  timer.abort();
  if (early) return early;
  // Personal commands (and button presses, always answered privately) defer privately too.
  const privately = event.input.kind !== "command" || answersPrivately(event.input, deps.core);
  await interaction.deferReply(privately ? { flags: MessageFlags.Ephemeral } : {});
  return running;
}

/**
 * Runs a slash command, or the choice under a reply that was pressed, through the core and answers
 * it: to everyone in the channel, or ephemerally to the caller alone. A tap to read more is the
 * tapper's, never a post to the channel. A silent refusal is not answered at all (Discord then
 * tells only the caller that the bot did not respond): a flood gets nothing back.
 */
async function answer(interaction: Answerable, deps: InteractionDeps): Promise<void> {
  const response = await handleWithDeferral(interaction, eventOf(interaction), deps);
  if (response.kind !== "reply") {
    if (interaction.deferred) await interaction.deleteReply();
    return;
  }
  await respond(interaction, response.reply, interaction.isButton() || response.to === "sender");
}

export const handleChatInput = (interaction: ChatInputCommandInteraction, deps: InteractionDeps) =>
  answer(interaction, deps);

export async function handleButton(interaction: ButtonInteraction, deps: InteractionDeps): Promise<void> {
  if (interaction.customId.startsWith(CHOICE_PREFIX)) return answer(interaction, deps);
  await interaction.reply({
    content: "This button is no longer in use. Ask again with /ask.",
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
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
