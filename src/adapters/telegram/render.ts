import type { InlineKeyboardMarkup } from "grammy/types";
import {
  type Block,
  CHOICE_PREFIX,
  type Choice,
  isWebUrl,
  type Reply,
  type SourceRef,
} from "../../core/reply.ts";
import { clip } from "../../core/text.ts";

/** Telegram carries at most this many bytes of data with a button. */
const CALLBACK_DATA_LIMIT = 64;

/**
 * A reply's choices as buttons, one per row (labels are whole questions). A choice whose line does
 * not fit in a button's data is left out; the reply's text still names it.
 */
export function choicesKeyboard(choices: readonly Choice[] = []): InlineKeyboardMarkup | undefined {
  const rows = choices
    .map((choice) => ({ text: choice.label, callback_data: `${CHOICE_PREFIX}${choice.line}` }))
    .filter((button) => Buffer.byteLength(button.callback_data) <= CALLBACK_DATA_LIMIT)
    .map((button) => [button]);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** Telegram's limit for one text message (counted after entities are parsed; we count the HTML). */
export const MESSAGE_LIMIT = 4096;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes text for Telegram's HTML parse mode, so no user or knowledge text can open a tag. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ESCAPES[ch] ?? ch);
}

/** A self-contained, balanced piece of HTML and what joins it to the piece before. */
interface Unit {
  html: string;
  separator: "\n" | "\n\n";
}

/** How one piece of plain text is wrapped once escaped, e.g. in `<b>`. */
type Wrap = (escaped: string) => string;
const bare: Wrap = (escaped) => escaped;
const bold: Wrap = (escaped) => `<b>${escaped}</b>`;
const italic: Wrap = (escaped) => `<i>${escaped}</i>`;
const bullet: Wrap = (escaped) => `• ${escaped}`;

/**
 * Renders a reply as Telegram HTML, split into messages under the limit. Messages break between
 * paragraphs, list items or fields; a single piece longer than a message is cut at a line break or
 * a space. Every tag opened in a message is closed in it, so Telegram never fails to parse one.
 */
export function renderHtml(reply: Reply, limit = MESSAGE_LIMIT): string[] {
  const units: Unit[] = [];
  const add = (text: string, wrap: Wrap, separator: Unit["separator"]) => {
    splitText(text, wrap, limit).forEach((piece, i) => {
      units.push({ html: wrap(escapeHtml(piece)), separator: i === 0 ? separator : "\n" });
    });
  };
  if (reply.title) add(reply.title, bold, "\n\n");
  for (const block of reply.blocks) addBlock(block, add);
  const { sources = [], note } = reply.footer ?? {};
  if (sources.length > 0) {
    add("Sources:", italic, "\n\n");
    for (const source of sources) units.push({ html: sourceLink(source, limit), separator: "\n" });
  }
  if (note) add(note, italic, sources.length > 0 ? "\n" : "\n\n");
  return pack(units, limit);
}

function addBlock(block: Block, add: (text: string, wrap: Wrap, separator: Unit["separator"]) => void): void {
  switch (block.kind) {
    case "paragraph":
      add(block.text, bare, "\n\n");
      return;
    case "bullets":
      block.items.forEach((item, i) => {
        add(item, bullet, i === 0 ? "\n\n" : "\n");
      });
      return;
    case "fields":
      for (const field of block.fields) {
        add(field.name, bold, "\n\n");
        add(field.value, bare, "\n");
      }
      return;
  }
}

/** A source as a link when it has a web address Telegram accepts, else as plain text. */
function sourceLink(source: SourceRef, limit: number): string {
  const title = escapeHtml(clip(source.title, 200));
  const url = source.url && isWebUrl(source.url) ? source.url : undefined;
  const html = url ? `• <a href="${escapeHtml(url)}">${title}</a>` : `• ${title}`;
  return html.length <= limit ? html : `• ${title}`;
}

/** Joins units into as few messages as fit, breaking only between units. */
function pack(units: readonly Unit[], limit: number): string[] {
  const messages: string[] = [];
  let current = "";
  for (const { html, separator } of units) {
    if (current === "") current = html;
    else if (current.length + separator.length + html.length <= limit) current += separator + html;
    else {
      messages.push(current);
      current = html;
    }
  }
  if (current !== "") messages.push(current);
  return messages;
}

/**
 * Cuts plain text into pieces that fit the limit once escaped and wrapped. Blank pieces are
 * dropped: Telegram rejects an empty message.
 */
function splitText(text: string, wrap: Wrap, limit: number): string[] {
  const budget = limit - wrap("").length;
  const pieces: string[] = [];
  let rest = text.trim();
  while (escapeHtml(rest).length > budget) {
    const cut = cutPoint(rest, budget);
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(rest);
  return pieces.filter((piece) => piece !== "");
}

/** The longest prefix that fits once escaped, ended at a line break or space in its second half if any. */
function cutPoint(text: string, budget: number): number {
  let end = 0;
  let size = 0;
  // Whole code points, so an emoji's surrogate pair is never split.
  for (const ch of text) {
    const grown = size + escapeHtml(ch).length;
    if (grown > budget) break;
    size = grown;
    end += ch.length;
  }
  const prefix = text.slice(0, end);
  for (const breakAt of ["\n", " "]) {
    const at = prefix.lastIndexOf(breakAt);
    if (at > end / 2) return at + 1;
  }
  return end;
}
