import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import {
  type Block,
  CHOICE_PREFIX,
  type Choice,
  isWebUrl,
  type Reply,
  type SourceRef,
} from "../../core/reply.ts";
import { charBoundary, clip } from "../../core/text.ts";

/** Discord's message and embed limits (https://discord.com/developers/docs/resources/message). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  embedTotal: 6000,
  embedsPerMessage: 10,
  buttonLabel: 80,
  customId: 100,
  actionRows: 5,
} as const;

/** One message as Discord's API takes it, before flags and allowed mentions are added. */
export interface RenderedMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponentWithCustomId>[];
}

/**
 * A reply's choices as buttons, one per row (labels are whole questions), at most five, one per
 * line. A choice whose line does not fit in a custom id is left out; the reply's text still names it.
 */
function choiceRows(
  choices: readonly Choice[] = [],
): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  return (
    choices
      .filter((choice) => CHOICE_PREFIX.length + choice.line.length <= LIMITS.customId)
      // Discord refuses a message whose buttons share a custom id.
      .filter((choice, i, all) => all.findIndex((other) => other.line === choice.line) === i)
      .slice(0, LIMITS.actionRows)
      .map((choice) => ({
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: clip(choice.label, LIMITS.buttonLabel),
            custom_id: `${CHOICE_PREFIX}${choice.line}`,
          },
        ],
      }))
  );
}

/** The reply's messages with its choices' buttons under the last one. */
function withChoices(messages: RenderedMessage[], reply: Reply): RenderedMessage[] {
  const rows = choiceRows(reply.choices);
  const last = messages.at(-1);
  if (last && rows.length > 0) last.components = rows;
  return messages;
}

// Stepwise's accent colour on the side of every embed.
const EMBED_COLOR = 0x2f6f9f;

// Emphasis, underline, strikethrough, spoilers, code, escapes, and `[` so no masked link can open.
const INLINE = /[\\*_~|`[]/g;

/**
 * Escapes plain text for Discord Markdown so it shows exactly as typed: every inline marker; the
 * heading, quote, subtext and list markers at line starts; and mention, channel, command and emoji
 * tags (`<@1>`, `<#1>`, `</cmd:1>`, `@everyone`), which would still show as mentions even though
 * allowed_mentions stops the ping. Linear, unlike discord.js's escapeMarkdown, which rescans the
 * line before every character (100 KB on one line took most of a minute) and leaves some markup
 * live (every `[` after the first of a line, `_` anywhere after `<:`, `**` after a web address).
 */
export function escapeText(text: string): string {
  return text
    .replace(INLINE, "\\$&")
    .replace(/<(?=[@#/:]|a:|t:|id:)/g, "\\<")
    .replace(/@(?=everyone|here)/g, "\\@")
    .replace(/^([ \t]*)([#>-])/gm, "$1\\$2")
    .replace(/^([ \t]*\d+)\./gm, "$1\\.");
}

/**
 * Embed titles show no links and, on desktop, no Markdown, so a backslash would show; mobile
 * clients still resolve mentions there. An invisible zero-width space breaks them everywhere.
 */
const breakMentions = (title: string) =>
  title.replace(/<(?=[@#/:]|a:|t:|id:)/g, "<\u200b").replace(/@(?=everyone|here)/g, "@\u200b");

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

// Normalised by URL (no spaces, quotes, `<` or line breaks); parentheses would end the link early.
const linkTarget = (url: string) => new URL(url).href.replaceAll("(", "%28").replaceAll(")", "%29");

// Long replies are split at a space in the last half of a message; with titles and addresses this
// short, a split never falls inside a link (which would show its address as raw, live Markdown).
const MAX_SOURCE_TITLE = 200;
const MAX_LINK_TARGET = 500;

/** Sources as links where they have a web address; any other address would show as raw Markdown. */
function renderSources(sources: readonly SourceRef[]): string {
  const items = sources.map((s) => {
    const title = escapeText(clip(s.title, MAX_SOURCE_TITLE));
    const target = s.url && isWebUrl(s.url) ? linkTarget(s.url) : undefined;
    return target && target.length <= MAX_LINK_TARGET
      ? `[${title.replaceAll("]", "\\]")}](${target})`
      : title;
  });
  return `**Sources:** ${items.join(" · ")}`;
}

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
    if (cut <= 0) cut = charBoundary(rest, limit);
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
  // Blank sections would leave nothing to send once trimmed: no answer at all.
  const sections = reply.blocks.map(renderBlock).filter((text) => text.trim() !== "");
  const { sources = [], note } = reply.footer ?? {};
  if (sources.length > 0) sections.push(renderSources(sources));
  const body = sections.join("\n\n");

  if (reply.title === undefined) {
    const text = [body, note?.trim() ? `-# ${escapeText(note)}` : ""].filter(Boolean).join("\n\n");
    return withChoices(
      splitText(text === "" ? "Done." : text, LIMITS.content).map((content) => ({ content })),
      reply,
    );
  }

  const descriptions = body === "" ? [""] : splitText(body, LIMITS.embedDescription);
  const embeds: APIEmbed[] = descriptions.map((description) => ({
    color: EMBED_COLOR,
    ...(description === "" ? {} : { description }),
  }));
  const [first] = embeds;
  const last = embeds.at(-1);
  if (first) first.title = clip(breakMentions(reply.title.trim() || "Stepwise"), LIMITS.embedTitle);
  if (last && note) {
    // One embed may hold a full title and description; the footer gets what the total leaves.
    const room = Math.min(LIMITS.embedFooter, LIMITS.embedTotal - embedSize(last));
    last.footer = { text: clip(note, room) };
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
  return withChoices(messages, reply);
}
