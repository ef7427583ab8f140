import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { type CommandSpec, isGroup, type LeafCommand } from "../../core/command.ts";
import { describeOptions, type OptionMeta, placeholderOf } from "../../core/options.ts";
import { hasPrecondition, manage } from "../../core/preconditions.ts";
import { suggesters } from "./autocomplete.ts";

/** A chat-input (slash) command as the registration PUT carries it. */
export type SlashCommand = RESTPostAPIChatInputApplicationCommandsJSONBody;
export type CommandsBody = SlashCommand[];

const OPTION_TYPES = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  number: ApplicationCommandOptionType.Number,
  boolean: ApplicationCommandOptionType.Boolean,
} as const;

/** The Discord option type of an engine option. */
export const optionTypeOf = (meta: OptionMeta) => OPTION_TYPES[meta.type];

// Discord has no date or time option: the description says how to write the value.
function descriptionOf(meta: OptionMeta): string {
  const formatted = meta.type === "string" && !meta.choices && (meta.format || meta.placeholder);
  const shape = placeholderOf(meta);
  return formatted && !meta.description.includes(shape) ? `${meta.description} (${shape})` : meta.description;
}

function slashOption(meta: OptionMeta, autocomplete: boolean): APIApplicationCommandBasicOption {
  const base = { name: meta.name, description: descriptionOf(meta), required: meta.required };
  switch (meta.type) {
    case "boolean":
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case "integer":
    case "number":
      return {
        ...base,
        type: optionTypeOf(meta) as ApplicationCommandOptionType.Integer,
        ...(meta.min === undefined ? {} : { min_value: meta.min }),
        ...(meta.max === undefined ? {} : { max_value: meta.max }),
      };
    case "string": {
      const lengths = {
        ...(meta.minLength === undefined ? {} : { min_length: meta.minLength }),
        ...(meta.maxLength === undefined ? {} : { max_length: meta.maxLength }),
      };
      const choices = meta.choices?.map((value) => ({ name: value.replaceAll("_", " "), value }));
      if (choices) return { ...base, ...lengths, type: ApplicationCommandOptionType.String, choices };
      return { ...base, ...lengths, type: ApplicationCommandOptionType.String, autocomplete };
    }
  }
}

/** A leaf's options as slash options, required ones first (Discord rejects any other order). */
function slashOptions(path: string, leaf: LeafCommand): APIApplicationCommandBasicOption[] {
  const metas = describeOptions(leaf.options);
  const ordered = [...metas.filter((m) => m.required), ...metas.filter((m) => !m.required)];
  return ordered.map((meta) => slashOption(meta, `${path}.${meta.name}` in suggesters));
}

/** One registry entry as a slash command; a group's subcommands become Discord subcommands. */
export function slashCommand(spec: CommandSpec): SlashCommand {
  const leaves = isGroup(spec) ? spec.subcommands : [spec];
  const options = isGroup(spec)
    ? spec.subcommands.map(
        (leaf): APIApplicationCommandSubcommandOption => ({
          type: ApplicationCommandOptionType.Subcommand,
          name: leaf.name,
          description: leaf.description,
          options: slashOptions(`${spec.name} ${leaf.name}`, leaf),
        }),
      )
    : slashOptions(spec.name, spec);
  // Discord sets permissions per command, not per subcommand: one managing subcommand hides the group
  // from members without Manage Server (each run is checked again anyway).
  const managing = leaves.some((leaf) => hasPrecondition(leaf, manage));
  return {
    type: ApplicationCommandType.ChatInput,
    name: spec.name,
    description: spec.description,
    options,
    // Usable in servers and in a DM with the bot.
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    default_member_permissions: managing ? PermissionFlagsBits.ManageGuild.toString() : null,
  };
}

/**
 * Every command of the registry as Discord should have it. Contexts and installation types apply
 * to global commands only, so a server's copy leaves them out.
 */
export function commandsBody(commands: readonly CommandSpec[], guildId?: string): CommandsBody {
  const body = commands.map(slashCommand);
  if (!guildId) return body;
  return body.map(({ contexts: _contexts, integration_types: _types, ...command }) => command);
}
