import { type APIApplicationCommandInteractionDataOption, ApplicationCommandOptionType } from "discord.js";
import { optionTypeOf } from "../../../src/adapters/discord/register.ts";
import type { CommandSpec } from "../../../src/core/command.ts";
import { resolveText } from "../../../src/core/dispatch.ts";
import { describeOptions } from "../../../src/core/options.ts";
import { parseTextCommand } from "../../../src/core/textCommand.ts";

/**
 * What Discord would send for a text command line (`/score add exam:step1 ...`): the command name
 * and its options, read through the engine's own parser, so any registry command can be sent.
 */
export function slashFromLine(
  line: string,
  commands: readonly CommandSpec[],
): { name: string; options: APIApplicationCommandInteractionDataOption[] } {
  const parsed = parseTextCommand(line);
  if (!parsed) throw new Error(`not a command line: ${line}`);
  const { leaf, path, raw } = resolveText(parsed, commands);
  const metas = describeOptions(leaf.options);
  const values = Object.entries(raw).map(([name, value]) => {
    const meta = metas.find((m) => m.name === name);
    if (!meta) throw new Error(`${path}: unknown option ${name}`);
    return { name, type: optionTypeOf(meta), value } as APIApplicationCommandInteractionDataOption;
  });
  const [name = "", sub] = path.split(" ");
  if (!sub) return { name, options: values };
  return {
    name,
    options: [
      { name: sub, type: ApplicationCommandOptionType.Subcommand, options: values },
    ] as APIApplicationCommandInteractionDataOption[],
  };
}
