import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Caller } from "../../core/command.ts";
import type { Core, Response } from "../../core/handle.ts";
import type { Adapter, Logger } from "../../core/ports.ts";
import type { Choice, Reply } from "../../core/reply.ts";
import { type SavedFile, saveFiles } from "./files.ts";
import { renderPlain } from "./render.ts";

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  /** One JSON object per input line instead of chat text. */
  json: boolean;
  /** A person at a terminal: greet and prompt. Otherwise read one command per line and answer each. */
  interactive: boolean;
  core: Core;
  /** Where files sent with replies are written (README, "Files in the console"). */
  filesDir: string;
}

/** The console's one chat; everything typed here is a private chat with the bot. */
export const CONSOLE_ADDRESS = "console:local";

/** The person at this terminal: one local user, always in a private chat. */
export function consoleCaller(): Caller {
  let name = "local";
  try {
    name = userInfo().username;
  } catch {
    // Some containers have no passwd entry; one local user is all the console needs.
  }
  return { userId: `console:${name}`, displayName: name, address: CONSOLE_ADDRESS, chatKind: "private" };
}

/**
 * The console chat as an adapter like the others: each line is an event for the core, each
 * response is printed (text, or one JSON object per line), and nudges for its chat are printed too.
 */
export function createConsoleAdapter(options: ConsoleOptions): Adapter {
  const { input, output, json, interactive, core, filesDir } = options;
  const caller = consoleCaller();
  // Settles once everything written so far has been handed to the system. A pipe takes a large
  // reply in pieces as its reader reads, and the process must not exit before the last piece.
  let written: Promise<void> = Promise.resolve();
  const write = (text: string) => {
    // A reader that went away (EPIPE) has nothing left to wait for.
    written = new Promise((resolve) => output.write(`${text}\n`, () => resolve()));
  };
  /** The last numbered choices: typing one's number opens it, as a tap on a button does elsewhere. */
  let choices: readonly Choice[] = [];
  /** Prints a reply; its files are written to the files folder first and their paths printed. */
  const print = async (command: string, ok: boolean, reply: Reply, leading = "") => {
    const { files, lines } = await deliverFiles(filesDir, reply, core.services.logger);
    const text = [renderPlain(reply, { numberChoices: true }), ...lines].join("\n\n");
    if (!json) {
      write(`${leading}${text}\n`);
      return;
    }
    const paths = files.map((file) => file.path);
    // `data.file` is where scripts find the (first) file, as other replies' results are in `data`;
    // `data.image` the first picture.
    const image = files.find((file) => file.mime.startsWith("image/"))?.path;
    const data =
      paths[0] === undefined ? reply.data : { ...reply.data, file: paths[0], ...(image ? { image } : {}) };
    write(
      JSON.stringify({
        ok,
        command,
        text,
        data,
        ...(files.length > 0 ? { files } : {}),
        ...(reply.choices?.length ? { choices: reply.choices } : {}),
      }),
    );
  };
  let rl: Interface | undefined;
  let finish: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let reading: Promise<void> = Promise.resolve();

  async function answer(line: string): Promise<void> {
    const picked = /^\d{1,2}$/.test(line) ? choices[Number(line) - 1] : undefined;
    const response: Response = await core.handle({
      via: "console",
      requestId: randomUUID().slice(0, 8),
      caller,
      input: { kind: "text", text: picked?.line ?? line },
      addressed: true,
    });
    if (response.kind !== "reply") return;
    // A number still means the last numbered list after a reply without one (a number alone is no question).
    if (response.reply.choices?.length) choices = response.reply.choices;
    await print(response.command, response.ok, response.reply);
  }

  async function read(lines: Interface): Promise<void> {
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === "/quit" || line === "/exit") break;
      if (line !== "") await answer(line);
      if (interactive && !json) lines.prompt();
    }
    lines.close();
  }

  return {
    name: "console",
    owns: (address) => address.startsWith("console:"),
    ended,

    async start() {
      const lines = createInterface({
        input,
        ...(interactive ? { output, terminal: true } : {}),
        crlfDelay: Infinity,
      });
      rl = lines;
      // The reader went away (`| head`): nothing written from now on can be read, so the chat ends.
      output.on("error", () => lines.close());
      // Ctrl+C at the prompt ends the chat (readline would otherwise only pause).
      lines.on("SIGINT", () => lines.close());
      if (interactive && !json) {
        write("Stepwise: USMLE strategy for IMGs. Ask a question, or type /help. /quit leaves.\n");
        lines.setPrompt("you> ");
        lines.prompt();
      }
      reading = read(lines)
        .then(() => written)
        .finally(finish);
    },

    /** The line being answered finishes and every reply is written out; nothing after it is read. */
    async stop() {
      rl?.close();
      await reading;
    },

    async send(_address, reply) {
      await print("nudge", true, reply, "\n");
      await written;
    },
  };
}

/**
 * Writes a reply's files and says where each went. A file that cannot be written (a full disk, no
 * permission) is reported in the reply instead: the answer itself still arrives.
 */
async function deliverFiles(
  folder: string,
  reply: Reply,
  logger: Logger,
): Promise<{ files: SavedFile[]; lines: string[] }> {
  if (!reply.files?.length) return { files: [], lines: [] };
  try {
    const files = await saveFiles(folder, reply.files);
    return { files, lines: files.map((file) => `File: ${file.path}\n  ${file.description}`) };
  } catch (error) {
    logger.error({ err: error, folder }, "a reply's file could not be written");
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      files: [],
      lines: [`The file could not be written to ${folder} (${reason}); nothing was saved.`],
    };
  }
}
