import { type Caller, type CommandContext, type CommandSpec, isGroup, type Services } from "./command.ts";
import {
  errorReply,
  findCommand,
  firstInvalidOption,
  internalErrorReply,
  type Resolved,
  resolveParsed,
  resolveText,
  type Target,
  validateInput,
} from "./dispatch.ts";
import { UserError } from "./errors.ts";
import { formatUsage } from "./options.ts";
import {
  type Check,
  firstRefusal,
  globalPreconditions,
  type Refusal,
  type RefusalKind,
  repliesPrivately,
} from "./preconditions.ts";
import type { Reply } from "./reply.ts";
import { clip } from "./text.ts";
import { parseTextCommand } from "./textCommand.ts";

/**
 * The one entry point. Every adapter turns a platform event into an `Inbound`, calls `handle`, and
 * delivers the `Response`: the command is resolved, its preconditions checked and it is run here,
 * once, for every platform.
 */

/**
 * What was asked: a line of text, a command the platform parsed already (a slash command), or an
 * answer to a question the bot asked (a button press, a typed reply), which the adapter acts on
 * itself and only has counted (`admit`).
 */
export type Input =
  | { kind: "text"; text: string }
  | { kind: "command"; name: string; subcommand?: string; options: Record<string, unknown> }
  | { kind: "answer" };

/** One incoming message or interaction, as an adapter translated it. */
export interface Inbound {
  /** The adapter it came through, by its name, for the logs. */
  via: string;
  /** The platform's id of this event (update id, interaction id), quoted in error replies. */
  requestId: string;
  caller: Caller;
  input: Input;
  /**
   * Meant for this bot: said in a private chat, mentioning the bot, or a slash command. An unknown
   * command that is not addressed belongs to another bot, and plain text there is conversation.
   */
  addressed: boolean;
  /** A reply here can be shown to the sender alone (Discord's ephemeral messages). */
  ephemeral?: boolean;
  /** The adapter can ask for missing options one at a time (Telegram's guided input). */
  canAsk?: boolean;
  /** Already counted against the sender's budget by `admit`, when it arrived: not counted again. */
  admitted?: boolean;
}

/** Who sees a reply: everyone in the chat it came from, or only the person who sent it. */
export type Audience = "chat" | "sender";

/** What to do about one event. */
export type Response =
  /** Not for this bot: do nothing, log nothing. */
  | { kind: "ignored" }
  /** Refused without a word (a repeated rate-limit refusal). */
  | { kind: "silent"; command: string; refusal: RefusalKind }
  /** Required options are missing: ask for them, then send the command again, complete. */
  | { kind: "ask"; command: string; target: Target; raw: Record<string, unknown> }
  | { kind: "reply"; ok: boolean; command: string; to: Audience; reply: Reply; refusal?: RefusalKind };

export interface Core {
  readonly services: Services;
  readonly commands: readonly CommandSpec[];
  /** Answers one event: admits it (unless `admitted`), resolves and runs the command. */
  handle(event: Inbound): Promise<Response>;
  /**
   * Counts an event meant for the bot against its sender's budget, as soon as it arrives: undefined
   * when it may go on, or what to do instead (ignored: not meant for the bot, nothing counted; a
   * refusal). For adapters that queue events: a flood is refused here, at once, and never queues.
   */
  admit(event: Inbound): Promise<Response | undefined>;
}

export interface CoreOptions {
  /** The command plain text in a private chat is for (people rarely type /ask first). */
  plainText?: string;
}

/** The core over these services and this registry. */
export function createCore(
  services: Services,
  commands: readonly CommandSpec[],
  options: CoreOptions = {},
): Core {
  const core: Core = {
    services,
    commands,
    async handle(event) {
      const started = performance.now();
      const response = await respond(event, core, options);
      if (response.kind !== "ignored") logResponse(services, event, response, performance.now() - started);
      return response;
    },
    async admit(event) {
      const started = performance.now();
      const asked = interpret(event, commands, options.plainText);
      if (asked.kind === "ignored") return asked;
      const refusal = await admission(event, asked, services);
      if (refusal) logResponse(services, event, refusal, performance.now() - started);
      return refusal;
    },
  };
  return core;
}

/** One log line per event, never its input. Silent refusals at debug: a flood must not flood the log. */
function logResponse(services: Services, event: Inbound, response: Response, elapsed: number): void {
  if (response.kind === "ignored") return;
  const ok = response.kind === "reply" ? response.ok : response.kind === "ask";
  const refusal = response.kind === "reply" || response.kind === "silent" ? response.refusal : undefined;
  const fields = {
    // What was typed as a name can be any length; a log line need not carry 100 KB of it.
    command: clip(response.command, 64),
    via: event.via,
    ok,
    ...(refusal ? { refusal } : {}),
    ...(response.kind === "ask" ? { asked: true } : {}),
    ms: Math.round(elapsed * 10) / 10,
    requestId: event.requestId,
  };
  if (response.kind === "silent") services.logger.debug(fields, "command");
  else services.logger.info(fields, "command");
}

/** What the input asks for, before anything is checked. */
type Asked =
  | { kind: "ignored" }
  | { kind: "answer" }
  | { kind: "not_a_command"; text: string }
  | { kind: "command"; name: string; resolve: () => Resolved; group?: CommandSpec };

function interpret(event: Inbound, commands: readonly CommandSpec[], plainText?: string): Asked {
  const { input, addressed, caller } = event;
  if (input.kind === "answer") return input;
  if (input.kind === "command") {
    const { name, subcommand, options } = input;
    return {
      kind: "command",
      name,
      resolve: () => resolveParsed(name, subcommand, options, commands),
      ...(subcommand === undefined ? { group: findCommand(commands, name) } : {}),
    };
  }
  const text = input.text.trim();
  if (text === "") return { kind: "ignored" };
  const parsed = parseTextCommand(text);
  if (parsed) {
    const spec = findCommand(commands, parsed.name);
    if (!spec && !addressed) return { kind: "ignored" };
    return {
      kind: "command",
      name: parsed.name,
      resolve: () => resolveText(parsed, commands),
      ...(parsed.rest === "" ? { group: spec } : {}),
    };
  }
  if (!addressed) return { kind: "ignored" };
  if (text.startsWith("/") || caller.chatKind !== "private" || plainText === undefined) {
    return { kind: "not_a_command", text };
  }
  const question = parseTextCommand(`/${plainText} ${text}`);
  if (!question) return { kind: "not_a_command", text };
  return { kind: "command", name: plainText, resolve: () => resolveText(question, commands) };
}

const nameOf = (asked: Asked): string =>
  asked.kind === "command" ? asked.name : asked.kind === "answer" ? "answer" : "";

const checkOf = (event: Inbound, services: Services, path: string): Check => ({
  caller: event.caller,
  services,
  path,
  ephemeral: event.ephemeral ?? false,
});

/** The checks every event passes before anything else (the rate limit): the refusal, if any. */
async function admission(event: Inbound, asked: Asked, services: Services): Promise<Response | undefined> {
  const name = nameOf(asked);
  const refusal = await firstRefusal(globalPreconditions, checkOf(event, services, name));
  return refusal ? refused(refusal, name) : undefined;
}

async function respond(event: Inbound, core: Core, options: CoreOptions): Promise<Response> {
  const { services, commands } = core;
  const asked = interpret(event, commands, options.plainText);
  // Answers are the adapter's to act on, once `admit` has counted them.
  if (asked.kind === "ignored" || asked.kind === "answer") return { kind: "ignored" };
  const refusal = event.admitted ? undefined : await admission(event, asked, services);
  if (refusal) return refusal;
  const name = nameOf(asked);
  if (asked.kind === "not_a_command") {
    const shown = clip(asked.text, 31);
    const message = `"${shown}" is not a command: write a slash and a command name, e.g. /help or /ask <question>.`;
    return { kind: "reply", ok: false, command: "", to: "sender", reply: errorReply(message) };
  }
  // A group named without a subcommand or a default one: ask which (where the adapter can).
  const { group } = asked;
  if (event.canAsk && group && isGroup(group) && !group.defaultSubcommand) {
    return { kind: "ask", command: group.name, target: { kind: "group", group }, raw: {} };
  }
  let path = name;
  try {
    const { leaf, path: resolvedPath, raw } = asked.resolve();
    path = resolvedPath;
    const refusal = await firstRefusal(leaf.preconditions ?? [], checkOf(event, services, path));
    if (refusal) return refused(refusal, path);
    const validation = validateInput(leaf, raw);
    if (!validation.ok) {
      const fillable = validation.missing.length > 0 && firstInvalidOption(leaf, raw) === undefined;
      if (event.canAsk && fillable)
        return { kind: "ask", command: path, target: { kind: "leaf", leaf, path }, raw };
      return mistake(path, validation.message, formatUsage(path, leaf));
    }
    const ctx: CommandContext = { caller: event.caller, services, commands, requestId: event.requestId };
    const reply = await leaf.run(validation.input, ctx);
    const to: Audience = repliesPrivately(leaf) || reply.personal ? "sender" : "chat";
    return { kind: "reply", ok: true, command: path, to, reply };
  } catch (error) {
    if (error instanceof UserError) return mistake(path, error.message, error.usage);
    services.logger.error({ err: error, requestId: event.requestId, command: path }, "command failed");
    const reply = internalErrorReply(event.requestId, path);
    return { kind: "reply", ok: false, command: path, to: "sender", reply };
  }
}

/** A mistake the user can fix: told to them alone, with the usage when it helps. */
const mistake = (command: string, message: string, usage?: string): Response => ({
  kind: "reply",
  ok: false,
  command,
  to: "sender",
  reply: errorReply(message, usage),
});

/**
 * Every adapter maps a refusal the same way: said to the sender alone, except the pointer to a
 * private chat, which holds no personal data and is said where the command was asked.
 */
function refused(refusal: Refusal, command: string): Response {
  if (refusal.message === undefined) return { kind: "silent", command, refusal: refusal.kind };
  return {
    kind: "reply",
    ok: false,
    command,
    to: refusal.kind === "private_only" ? "chat" : "sender",
    reply: errorReply(refusal.message),
    refusal: refusal.kind,
  };
}
