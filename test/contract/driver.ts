import * as z from "zod";
import { commands } from "../../commands/index.ts";
import { type Caller, type CommandSpec, defineCommand } from "../../src/core/command.ts";
import type { Core, Response } from "../../src/core/handle.ts";
import { isWebUrl, paragraph, type Reply, reply } from "../../src/core/reply.ts";
import { attach, attachMine } from "../fixtures/attach.ts";
import { boom } from "../fixtures/boom.ts";
import { type LogLine, waitUntil } from "../helpers.ts";

/**
 * What the contract suite needs from each adapter's test driver: the real adapter against its
 * fake platform, and a way to read back what people were shown, as plain text.
 */

export type Where = "private" | "group";

/** A file as a person receives it: its name (Telegram drops a photo's) and its bytes. */
export interface ShownFile {
  name?: string;
  data: Buffer;
}

/** One message as a person sees it: its text, the addresses it links to, and the files with it. */
export interface Shown {
  text: string;
  links: string[];
  files?: ShownFile[];
  /** The labels of the buttons under the message (a reply's choices), where the platform has them. */
  choices?: string[];
}

export interface Seen {
  /** Messages everyone in the chat can see. */
  visible: Shown[];
  /** Messages only the sender sees: in their private chat with the bot, or ephemeral. */
  personal: Shown[];
}

export interface Driver {
  readonly name: string;
  /** Whether the platform has group chats. */
  readonly groups: boolean;
  /** What the adapter tells the core about its events (ephemeral replies in groups, asking for options). */
  readonly ephemeral: boolean;
  readonly canAsk: boolean;
  /** Starts the real adapter against its fake platform; `logs` are what the core logs. */
  start(core: Core, logs: readonly LogLine[]): Promise<void>;
  /** The caller the adapter reports for the test's person in a private chat or the test group. */
  caller(where: Where): Caller;
  /**
   * One person sends a command line (as a slash command on Discord) and the adapter answers it.
   * `expected` is what the core decides; only drivers that cannot tell otherwise when an answer is
   * complete read it (Discord: how many messages it renders to). `requestId` is the platform's id.
   */
  send(line: string, where: Where, expected: Response): Promise<{ seen: Seen; requestId?: string }>;
  /**
   * The person picks the choice with this label under the last reply in that chat (taps its button,
   * or types its number in the console), and the adapter answers it (`expected` as for `send`).
   */
  press?(label: string, where: Where, expected: Response): Promise<Seen>;
  /** Sends the line `times` times back to back in the private chat, then stops the adapter once all were handled. */
  flood(line: string, times: number): Promise<Seen>;
  stop(): Promise<void>;
}

/** Answers only the suite's own synchronisation: its reply closes the answer before it. */
export const BARRIER = "barrier";

/** The registry the suite runs: every real command, one that fails, and the barrier. */
export const contractCommands: readonly CommandSpec[] = [
  ...commands,
  boom,
  attach,
  attachMine,
  defineCommand({
    name: BARRIER,
    description: "Ends a test's answer",
    options: z.object({}),
    run: () => reply({ blocks: [paragraph("— barrier —")] }),
  }),
];

export const isBarrier = (shown: Shown) => shown.text.includes("— barrier —");

/** Every piece of text a reply holds: what people must be shown, on every platform. */
export function piecesOf(content: Reply): string[] {
  const pieces = content.title === undefined ? [] : [content.title];
  for (const block of content.blocks) {
    if (block.kind === "paragraph") pieces.push(block.text);
    if (block.kind === "bullets") pieces.push(...block.items);
    if (block.kind === "fields") pieces.push(...block.fields.flatMap((f) => [f.name, f.value]));
  }
  pieces.push(...(content.footer?.sources ?? []).map((s) => s.title));
  if (content.footer?.note) pieces.push(content.footer.note);
  return pieces.filter((piece) => piece.trim() !== "");
}

/** The web addresses a reply links to (its sources). */
export const linksOf = (content: Reply): string[] =>
  (content.footer?.sources ?? []).flatMap((s) => (s.url && isWebUrl(s.url) ? [s.url] : []));

/** Text compared regardless of how each platform breaks lines and spaces. */
export const normalize = (text: string) => text.replace(/\s+/g, " ").trim();

/** A web address as every platform sends it: normalised, parentheses escaped (Discord ends links at them). */
export const sameUrl = (url: string) => new URL(url).href.replaceAll("(", "%28").replaceAll(")", "%29");

/** Resolves once the core has logged each of these requests as handled. */
export const handled = (logs: readonly LogLine[], requestIds: readonly string[]) =>
  waitUntil(() =>
    requestIds.every((id) => logs.some((line) => line.msg === "command" && line.obj.requestId === id)),
  );
