import * as z from "zod";
import { defineCommand, isGroup } from "../src/core/command.ts";
import { commandList, findCommand, leavesOf, usageOf } from "../src/core/dispatch.ts";
import { UserError } from "../src/core/errors.ts";
import { describeOptions, formatUsage, placeholderOf } from "../src/core/options.ts";
import { bullets, fields, paragraph, reply } from "../src/core/reply.ts";

export const help = defineCommand({
  name: "help",
  description: "Show the commands and how to type them",
  options: z.object({
    command: z.string().trim().max(40).optional().describe("A command to explain in detail, e.g. plan"),
  }),
  rest: "command",
  run({ command }, { commands }) {
    if (!command) {
      return reply({
        title: "Stepwise commands",
        blocks: [
          fields(
            commands.map((spec) => ({
              name: `/${spec.name}`,
              value: `${spec.description}\n${usageOf(spec)}`,
            })),
          ),
          paragraph(
            'Options are written name:value; quote values with spaces: test:"NBME 12". /help <command> explains one.',
          ),
        ],
        data: { commands: commands.map((spec) => spec.name) },
      });
    }
    const spec = findCommand(commands, command.replace(/^\//, ""));
    if (!spec) {
      throw new UserError(`There is no command /${command}. Commands: ${commandList(commands)}.`);
    }
    const leaves = leavesOf([spec]);
    return reply({
      title: `/${spec.name}`,
      blocks: [
        paragraph(spec.description),
        ...leaves.flatMap(({ path, leaf }) => {
          const options = describeOptions(leaf.options).map(
            (meta) =>
              `${meta.name}${meta.required ? "" : " (optional)"}: ${meta.description} [${placeholderOf(meta)}]`,
          );
          const heading = isGroup(spec) ? [paragraph(`/${path}: ${leaf.description}`)] : [];
          return [
            ...heading,
            paragraph(`Usage: ${formatUsage(path, leaf)}`),
            ...(options.length ? [bullets(options)] : []),
          ];
        }),
      ],
      data: { command: spec.name },
    });
  },
});
