import { randomUUID } from "node:crypto";
import { type CommandContext, type CommandSpec, isGroup, type LeafCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import { coerceTextValue, describeOptions, explainIssues, formatUsage, type OptionMeta } from "./options.ts";
import { paragraph, type Reply, reply } from "./reply.ts";
import { clip } from "./text.ts";
import { parseTextCommand, type TextCommand, tokenizeArgs } from "./textCommand.ts";

/** A command found in the registry with its raw (not yet validated) option values. */
export interface Resolved {
  leaf: LeafCommand;
  /** "ask", "score add": how the command is written after the slash. */
  path: string;
  raw: Record<string, unknown>;
}

/** What every adapter gets back for one command. */
export interface Outcome {
  ok: boolean;
  command: string;
  reply: Reply;
  /** Nothing needs saying (a repeated rate-limit refusal); adapters that must answer may still. */
  silent?: boolean;
}

export type Validation =
  | { ok: true; input: Record<string, unknown> }
  | { ok: false; message: string; missing: OptionMeta[] };

export function findCommand(commands: readonly CommandSpec[], name: string): CommandSpec | undefined {
  return commands.find((spec) => spec.name === name.toLowerCase());
}

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

/** Looks the command up and reads its options from text; throws UserError on any mistake. */
export function resolveText(parsed: TextCommand, commands: readonly CommandSpec[]): Resolved {
  const spec = findCommand(commands, parsed.name);
  if (!spec) {
    const names = commands.map((c) => `/${c.name}`).join(", ");
    throw new UserError(
      `There is no command /${clip(parsed.name, QUOTED)}. Commands: ${names}. Type /help for how to use them.`,
    );
  }
  if (!isGroup(spec)) return { leaf: spec, path: spec.name, raw: readOptions(spec, spec.name, parsed.rest) };

  const first = /^\S+/.exec(parsed.rest)?.[0] ?? "";
  const named = first.includes(":")
    ? undefined
    : spec.subcommands.find((s) => s.name === first.toLowerCase());
  const leaf = named ?? spec.subcommands.find((s) => s.name === spec.defaultSubcommand && first === "");
  if (!leaf) {
    const choices = spec.subcommands.map((s) => s.name).join(", ");
    const said = first === "" ? "needs a subcommand" : `has no subcommand "${clip(first, QUOTED)}"`;
    throw new UserError(`/${spec.name} ${said}: choose one of ${choices}.`, { usage: usageOf(spec) });
  }
  const path = `${spec.name} ${leaf.name}`;
  const rest = named ? parsed.rest.slice(first.length).trim() : parsed.rest;
  return { leaf, path, raw: readOptions(leaf, path, rest) };
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
  const metas = describeOptions(leaf.options);
  const missing = metas.filter((m) => m.required && raw[m.name] === undefined);
  return { ok: false, message: explainIssues(metas, raw, result.error.issues), missing };
}

/** A reply for a mistake the user can fix: always private, with the usage when it helps. */
export function errorReply(message: string, usage?: string): Reply {
  const blocks = [paragraph(message)];
  if (usage) blocks.push(paragraph(`Usage:\n${usage}`));
  return reply({ blocks, private: true, data: { error: message } });
}

/** Validates, checks permission, runs the handler; never throws. Logs the command, never its input. */
export async function execute(resolved: Resolved, ctx: CommandContext): Promise<Outcome> {
  const started = performance.now();
  const outcome = await executeQuietly(resolved, ctx);
  const { caller, requestId, services } = ctx;
  const ms = Math.round((performance.now() - started) * 10) / 10;
  services.logger.info(
    { command: outcome.command, platform: caller.platform, ok: outcome.ok, ms, requestId },
    "command",
  );
  return outcome;
}

async function executeQuietly(resolved: Resolved, ctx: CommandContext): Promise<Outcome> {
  const { leaf, path, raw } = resolved;
  const usage = formatUsage(path, leaf);
  const verdict = await ctx.services.limits.take(ctx.caller.userId);
  if (!verdict.ok) {
    const message = `You're sending commands faster than I can keep up with. Please wait ${verdict.retryAfterSeconds} s and try again.`;
    return { ok: false, command: path, reply: errorReply(message), silent: !verdict.firstRefusal };
  }
  try {
    const validation = validateInput(leaf, raw);
    if (!validation.ok) return { ok: false, command: path, reply: errorReply(validation.message, usage) };
    const { caller } = ctx;
    if (leaf.manage && caller.chatKind === "group" && !(await caller.canManage?.())) {
      throw new UserError(`Only people who manage this group can use /${path} here.`);
    }
    return { ok: true, command: path, reply: await leaf.run(validation.input, ctx) };
  } catch (error) {
    return { ok: false, command: path, reply: failureReply(error, ctx, path) };
  }
}

function failureReply(error: unknown, ctx: CommandContext, path: string): Reply {
  if (error instanceof UserError) return errorReply(error.message, error.usage);
  const ref = ctx.requestId ?? randomUUID().slice(0, 8);
  ctx.services.logger.error({ err: error, requestId: ref, command: path }, "command failed");
  return errorReply(
    `Something went wrong on our side while running /${path} (reference ${ref}). Please try again; if it keeps happening, report the reference.`,
  );
}

/** The whole text path: parse, resolve, execute. Null when the line is not a command. */
export async function runText(line: string, ctx: CommandContext): Promise<Outcome | null> {
  const parsed = parseTextCommand(line);
  if (!parsed) return null;
  let resolved: Resolved;
  try {
    resolved = resolveText(parsed, ctx.commands);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { ok: false, command: parsed.name, reply: errorReply(error.message, error.usage) };
  }
  return execute(resolved, ctx);
}
