import { type APIEmbed, escapeMarkdown } from "discord.js";
import type { Block, Reply, SourceRef } from "../../engine/reply.ts";

/** Discord's message and embed limits (https://discord.com/developers/docs/resources/message). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  embedTotal: 6000,
  embedsPerMessage: 10,
} as const;

/** One message as Discord's API takes it, before flags and allowed mentions are added. */
export interface RenderedMessage {
  content?: string;
  embeds?: APIEmbed[];
}

// Stepwise's accent colour on the side of every embed.
const EMBED_COLOR = 0x2f6f9f;

/**
 * Escapes plain text for Discord Markdown: emphasis, code, links, headings and lists, plus the
 * block quotes and subtext (`-#`) that escapeMarkdown leaves alone.
 */
export function escapeText(text: string): string {
  const escaped = escapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return escaped.replace(/^(\s*)(>|-#)/gm, "$1\\$2");
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return escapeText(block.text);
    case "bullets":
      return block.items.map((item) => `• ${escapeText(item)}`).join("\n");
    case "fields":
      return block.fields.map((f) => `**${escapeText(f.name)}**\n${escapeText(f.value)}`).join("\n\n");
  }
}

// Parentheses would end the Markdown link early.
const linkTarget = (url: string) => url.replaceAll("(", "%28").replaceAll(")", "%29");

function renderSources(sources: readonly SourceRef[]): string {
  const items = sources.map((s) =>
    s.url ? `[${escapeText(s.title).replace(/[[\]]/g, "\\$&")}](${linkTarget(s.url)})` : escapeText(s.title),
  );
  return `**Sources:** ${items.join(" · ")}`;
}

const truncate = (text: string, limit: number) =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;

/**
 * Splits text into chunks of at most `limit` characters, preferring paragraph, then line, then
 * word boundaries, and never leaving a chunk ending in a lone escaping backslash.
 */
export function splitText(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    let cut = -1;
    for (const separator of ["\n\n", "\n", " "]) {
      cut = window.lastIndexOf(separator);
      if (cut > limit / 2) break;
    }
    if (cut <= 0) cut = limit;
    let chunk = rest.slice(0, cut);
    // A trailing odd run of backslashes would escape the next chunk's first character.
    const backslashes = /\\+$/.exec(chunk)?.[0].length ?? 0;
    if (backslashes % 2 === 1) chunk = chunk.slice(0, -1);
    chunks.push(chunk.trimEnd());
    rest = rest.slice(chunk.length).trimStart();
  }
  if (rest !== "") chunks.push(rest);
  return chunks;
}

const embedSize = (embed: APIEmbed) =>
  (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);

/**
 * The Discord renderer: a reply with a title becomes embeds (title, body, sources; the footer note
 * in the embed footer), one without (errors, short notices) plain content. Long replies are split
 * into several messages, each within Discord's limits.
 */
export function renderReply(reply: Reply): RenderedMessage[] {
  const sections = reply.blocks.map(renderBlock).filter((text) => text !== "");
  const { sources = [], note } = reply.footer ?? {};
  if (sources.length > 0) sections.push(renderSources(sources));
  const body = sections.join("\n\n");

  if (reply.title === undefined) {
    const text = [body, note === undefined ? "" : `-# ${escapeText(note)}`].filter(Boolean).join("\n\n");
    return splitText(text === "" ? "Done." : text, LIMITS.content).map((content) => ({ content }));
  }

  const descriptions = body === "" ? [""] : splitText(body, LIMITS.embedDescription);
  const embeds: APIEmbed[] = descriptions.map((description) => ({
    color: EMBED_COLOR,
    ...(description === "" ? {} : { description }),
  }));
  const [first] = embeds;
  const last = embeds.at(-1);
  if (first) first.title = truncate(reply.title || "Stepwise", LIMITS.embedTitle);
  if (last && note) {
    // One embed may hold a full title and description; the footer gets what the total leaves.
    const room = Math.min(LIMITS.embedFooter, LIMITS.embedTotal - embedSize(last));
    last.footer = { text: truncate(note, room) };
  }

  const messages: RenderedMessage[] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const next = embedSize(embed);
    if (
      current.length > 0 &&
      (size + next > LIMITS.embedTotal || current.length === LIMITS.embedsPerMessage)
    ) {
      messages.push({ embeds: current });
      current = [];
      size = 0;
    }
    current.push(embed);
    size += next;
  }
  messages.push({ embeds: current });
  return messages;
}
