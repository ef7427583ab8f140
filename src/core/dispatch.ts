import { type CommandGroup, type CommandSpec, isGroup, type LeafCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import {
  coerceTextValue,
  describeOptions,
  explainIssues,
  formatUsage,
  missingOptions,
  type OptionMeta,
  optionProblem,
} from "./options.ts";
import { paragraph, type Reply, reply } from "./reply.ts";
import { clip } from "./text.ts";
import { type TextCommand, tokenizeArgs } from "./textCommand.ts";

/** A command found in the registry with its raw (not yet validated) option values. */
export interface Resolved {
  leaf: LeafCommand;
  /** "ask", "score add": how the command is written after the slash. */
  path: string;
  raw: Record<string, unknown>;
}

/** What guided input fills in: a group still needs its subcommand; a leaf needs its options. */
export type Target =
  | { kind: "group"; group: CommandGroup }
  | { kind: "leaf"; leaf: LeafCommand; path: string };

export type Validation =
  | { ok: true; input: Record<string, unknown> }
  | { ok: false; message: string; missing: OptionMeta[] };

export function findCommand(commands: readonly CommandSpec[], name: string): CommandSpec | undefined {
  return commands.find((spec) => spec.name === name.toLowerCase());
}

/** "/ask, /topics, ...": the registry's commands, as errors and /help list them. */
export const commandList = (commands: readonly CommandSpec[]): string =>
  commands.map((spec) => `/${spec.name}`).join(", ");

/** Every runnable command with its path: `["ask", leaf]`, `["score add", leaf]`. */
export function leavesOf(commands: readonly CommandSpec[]): Array<{ path: string; leaf: LeafCommand }> {
  return commands.flatMap((spec) =>
    isGroup(spec)
      ? spec.subcommands.map((leaf) => ({ path: `${spec.name} ${leaf.name}`, leaf }))
      : [{ path: spec.name, leaf: spec }],
  );
}

export function usageOf(spec: CommandSpec): string {
  if (!isGroup(spec)) return formatUsage(spec.name, spec);
  return spec.subcommands.map((leaf) => formatUsage(`${spec.name} ${leaf.name}`, leaf)).join("\n");
}

// How much of a mistyped word an error quotes: enough to recognise it, never the whole 100 KB.
const QUOTED = 41;

/** A group's subcommand by name, or a UserError listing the ones it has. */
function subcommandOf(group: CommandGroup, name: string): LeafCommand {
  const leaf = group.subcommands.find((s) => s.name === name.toLowerCase());
  if (leaf) return leaf;
  const choices = group.subcommands.map((s) => s.name).join(", ");
  const said = name === "" ? "needs a subcommand" : `has no subcommand "${clip(name, QUOTED)}"`;
  throw new UserError(`/${group.name} ${said}: choose one of ${choices}.`, { usage: usageOf(group) });
}

/** Looks the command up and reads its options from text; throws UserError on any mistake. */
export function resolveText(parsed: TextCommand, commands: readonly CommandSpec[]): Resolved {
  const spec = findCommand(commands, parsed.name);
  if (!spec) {
    throw new UserError(
      `There is no command /${clip(parsed.name, QUOTED)}. Commands: ${commandList(commands)}. Type /help for how to use them.`,
    );
  }
  if (!isGroup(spec)) return { leaf: spec, path: spec.name, raw: readOptions(spec, spec.name, parsed.rest) };

  // `/profile` runs the default subcommand, and so does `/roadmap match:2028` (options, no
  // subcommand); a group may instead let its options pick the subcommand (`/log questions:40`);
  // `/score exam:step1` names none and the group has no default, so it is refused.
  const first = /^\S+/.exec(parsed.rest)?.[0] ?? "";
  const option = /^([a-z_]+):/i.exec(first)?.[1]?.toLowerCase();
  const picked =
    spec.optionsPickSubcommand && option !== undefined
      ? spec.subcommands.find((leaf) => option in leaf.options.shape)
      : undefined;
  if (picked) {
    const path = `${spec.name} ${picked.name}`;
    return { leaf: picked, path, raw: readOptions(picked, path, parsed.rest) };
  }
  const optionsOnly =
    first.includes(":") && spec.defaultSubcommand !== undefined && !spec.optionsPickSubcommand;
  const named = first === "" || optionsOnly ? (spec.defaultSubcommand ?? "") : first;
  const leaf = subcommandOf(spec, named);
  const path = `${spec.name} ${leaf.name}`;
  const rest = optionsOnly ? parsed.rest : parsed.rest.slice(first.length);
  return { leaf, path, raw: readOptions(leaf, path, rest.trim()) };
}

/** A command the platform parsed already (a slash command); throws UserError when it is not ours. */
export function resolveParsed(
  name: string,
  subcommand: string | undefined,
  options: Record<string, unknown>,
  commands: readonly CommandSpec[],
): Resolved {
  const spec = findCommand(commands, name);
  if (!spec) {
    // Platforms keep showing a command this version no longer has until it is registered again.
    throw new UserError(
      `/${clip(name, QUOTED)} is not available any more. Commands: ${commandList(commands)}.`,
    );
  }
  if (!isGroup(spec)) return { leaf: spec, path: spec.name, raw: options };
  const leaf = subcommandOf(spec, subcommand ?? spec.defaultSubcommand ?? "");
  return { leaf, path: `${spec.name} ${leaf.name}`, raw: options };
}

function readOptions(leaf: LeafCommand, path: string, text: string): Record<string, unknown> {
  const metas = describeOptions(leaf.options);
  const usage = formatUsage(path, leaf);
  const restMeta = metas.find((m) => m.name === leaf.rest);
  if (restMeta && text !== "" && !text.toLowerCase().startsWith(`${restMeta.name}:`)) {
    return { [restMeta.name]: text };
  }
  const raw: Record<string, unknown> = {};
  for (const token of tokenizeArgs(text)) {
    if (token.key === undefined) {
      const word = clip(token.value, QUOTED);
      throw new UserError(`I don't understand "${word}": options are written name:value.`, { usage });
    }
    const meta = metas.find((m) => m.name === token.key);
    if (!meta) {
      const known = metas.length
        ? `Its options: ${metas.map((m) => m.name).join(", ")}.`
        : "It takes no options.";
      throw new UserError(`/${path} has no option \`${clip(token.key, QUOTED)}\`. ${known}`, { usage });
    }
    if (token.key in raw) throw new UserError(`\`${token.key}\` is given twice; give it once.`, { usage });
    raw[token.key] = coerceTextValue(meta, token.value);
  }
  return raw;
}

/** Validates raw option values against the command's schema. */
export function validateInput(leaf: LeafCommand, raw: Record<string, unknown>): Validation {
  const result = leaf.options.safeParse(raw);
  if (result.success) return { ok: true, input: result.data as Record<string, unknown> };
  const message = explainIssues(describeOptions(leaf.options), raw, result.error.issues);
  return { ok: false, message, missing: missingOptions(leaf, raw) };
}

/** Whether each option given so far is valid on its own; the first problem, in the engine's words. */
export function firstInvalidOption(leaf: LeafCommand, raw: Record<string, unknown>): string | undefined {
  for (const meta of describeOptions(leaf.options)) {
    if (raw[meta.name] === undefined) continue;
    const problem = optionProblem(leaf, meta, raw[meta.name]);
    if (problem) return problem;
  }
  return undefined;
}

/** A reply for a mistake the user can fix, with the usage when it helps. */
export function errorReply(message: string, usage?: string): Reply {
  const blocks = [paragraph(message)];
  if (usage) blocks.push(paragraph(`Usage:\n${usage}`));
  return reply({ blocks, data: { error: message } });
}

/** The reply to a failure on our side: no detail, only the reference that finds it in the logs. */
export function internalErrorReply(reference: string, path?: string): Reply {
  const running = path === undefined ? "" : ` while running /${path}`;
  return errorReply(
    `Something went wrong on our side${running} (reference ${reference}). Please try again; if it keeps happening, report the reference.`,
  );
}
