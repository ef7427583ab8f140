import { userInfo } from "node:os";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Caller, CommandContext, CommandSpec, Services } from "../../core/command.ts";
import { errorReply, type Outcome, runText } from "../../core/dispatch.ts";
import type { Reply } from "../../core/reply.ts";
import { clip } from "../../core/text.ts";
import { renderPlain } from "./render.ts";

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  /** One JSON object per input line instead of chat text. */
  json: boolean;
  /** A person at a terminal: greet and prompt. Otherwise read one command per line and answer each. */
  interactive: boolean;
  services: Services;
  commands: readonly CommandSpec[];
  /** Aborted at shutdown: the line being answered finishes, nothing after it is read. */
  signal?: AbortSignal;
}

/** The caller at this terminal: one local user, always in a private chat. */
export function consoleCaller(): Caller {
  let name = "local";
  try {
    name = userInfo().username;
  } catch {
    // Some containers have no passwd entry; one local user is all the console needs.
  }
  return {
    platform: "console",
    userId: `console:${name}`,
    displayName: name,
    chatId: "console:local",
    chatKind: "private",
  };
}

/** Prints scheduled nudges for the console's own subscription, in the same format as replies. */
export function consoleSender(output: Writable, json: boolean) {
  return async (_chatId: string, message: Reply): Promise<void> => {
    const text = renderPlain(message);
    output.write(
      json
        ? `${JSON.stringify({ ok: true, command: "nudge", text, data: message.data })}\n`
        : `\n${text}\n\n`,
    );
  };
}

/** Runs the console chat until the input ends. Lines are answered one at a time, in order. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { input, output, json, interactive, services, commands, signal } = options;
  const ctx: CommandContext = { caller: consoleCaller(), services, commands };
  const rl = createInterface({
    input,
    ...(interactive ? { output, terminal: true } : {}),
    crlfDelay: Infinity,
  });
  const write = (text: string) => output.write(`${text}\n`);
  signal?.addEventListener("abort", () => rl.close(), { once: true });
  // Ctrl+C at the prompt ends the chat (readline would otherwise only pause).
  rl.on("SIGINT", () => rl.close());
  if (interactive && !json) {
    write("Stepwise: USMLE strategy for IMGs. Ask a question, or type /help. /quit leaves.\n");
    rl.setPrompt("you> ");
    rl.prompt();
  }
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "/quit" || line === "/exit") break;
    if (line !== "") {
      // Plain text is a question: people at a terminal rarely type /ask first.
      const outcome = (await runText(line.startsWith("/") ? line : `/ask ${line}`, ctx)) ?? notACommand(line);
      const text = renderPlain(outcome.reply);
      write(
        json
          ? JSON.stringify({ ok: outcome.ok, command: outcome.command, text, data: outcome.reply.data })
          : `${text}\n`,
      );
    }
    if (interactive && !json) rl.prompt();
  }
  rl.close();
}

function notACommand(line: string): Outcome {
  const shown = clip(line, 31);
  return {
    ok: false,
    command: "",
    reply: errorReply(
      `"${shown}" is not a command: write a slash and a command name, e.g. /help or /ask <question>.`,
    ),
  };
}
