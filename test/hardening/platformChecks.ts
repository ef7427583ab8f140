/**
 * What each platform accepts and how it reads what it is sent, as assertions: Telegram's HTML
 * parse mode and message limit, Discord's message and embed limits and its Markdown (mentions,
 * masked links), and a terminal's control characters. Shared by the hostile-input properties.
 */
import type { APIEmbed } from "discord.js";
import { expect } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import { type RenderedMessage, renderReply } from "../../src/adapters/discord/render.ts";
import { renderHtml } from "../../src/adapters/telegram/render.ts";
import type { Reply } from "../../src/core/reply.ts";
import { parseTelegramHtml } from "../fakes/telegram/html.ts";
import { hasLoneSurrogate, textsOf } from "./hostileText.ts";

/** Discord's documented limits (https://discord.com/developers/docs/resources/message). */
const DISCORD = {
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  fields: 25,
  total: 6000,
  embeds: 10,
};

const isWebUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

const squash = (text: string) => text.replace(/\s+/g, "");

/** Anything a terminal acts on instead of showing: C0 controls but tab and newline, DEL, C1 (CSI, NEL). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const TERMINAL_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

export function checkConsole(reply: Reply): string {
  const text = renderPlain(reply);
  expect(TERMINAL_CONTROL.exec(text)?.[0], "a control character reached the terminal").toBeUndefined();
  return text;
}

const TELEGRAM_TAG = /^<(?:b|\/b|i|\/i|\/a|a href="[^"]*")>/;

/** One message in Telegram's HTML: parses, fits, is not empty, holds only the renderer's own tags. */
export function checkTelegramMessage(html: string): string {
  // Only the tags the renderer writes itself: any other "<" would be user text left unescaped.
  for (let at = html.indexOf("<"); at !== -1; at = html.indexOf("<", at + 1)) {
    expect(TELEGRAM_TAG.exec(html.slice(at, at + 2100))?.[0], html.slice(at, at + 40)).toBeDefined();
  }
  const parsed = parseTelegramHtml(html);
  expect(parsed.text.length).toBeLessThanOrEqual(4096);
  expect(parsed.text.trim()).not.toBe("");
  for (const link of parsed.links) expect(isWebUrl(link.url), link.url).toBe(true);
  return parsed.text;
}

export function checkTelegram(reply: Reply): string[] {
  const messages = renderHtml(reply);
  const texts = messages.map(checkTelegramMessage);
  const shown = squash(texts.join(""));
  for (const text of textsOf(reply)) {
    // Source titles may be shortened; everything else must be shown whole.
    expect(shown).toContain(squash(text.slice(0, 150)));
  }
  if (textsOf(reply).some((text) => text.trim() !== "")) expect(messages.length).toBeGreaterThan(0);
  return messages;
}

/**
 * Discord Markdown as its parser reads it: a backslash before punctuation makes that character
 * plain text. Escaped characters become U+E000 so the patterns below only see live syntax.
 */
function liveSyntax(markdown: string): string {
  return markdown.replace(/\\[^0-9A-Za-z\s]/g, "\ue000");
}

const MENTION = /<@!?\d+>|<@&\d+>|<#\d+>|<\/[\w -]{1,100}:\d+>|<id:\w+>|@everyone|@here/;
const MASKED_LINK = /\[([^[\]]*)\]\(([^()\s]*)\)/g;
const WEB_ADDRESS = /https?:\/\/[^\s<]+/g;
// The renderer's own bold around field names (a line of their own) and "Sources:"; a long reply may
// be split between the two markers of a pair.
const OWN_BOLD = /^\*\*Sources:\*\*|^\*\*|\*\*$/gm;

/**
 * Checks text Discord renders as Markdown (content, descriptions, fields; not titles or footers).
 * The only links are the renderer's own, at most one per source with a web address.
 */
function checkMarkdown(markdown: string, maxLinks: number): void {
  const live = liveSyntax(markdown);
  const links = [...live.matchAll(MASKED_LINK)];
  expect(links.length).toBeLessThanOrEqual(maxLinks);
  for (const [, , target = ""] of links) expect(isWebUrl(target), `link to ${target}`).toBe(true);
  // Link targets are addresses, not text (also when a long reply is split inside a link: Discord
  // links the bare address); the renderer's bold markers are its own.
  const text = live.replace(MASKED_LINK, "$1").replace(WEB_ADDRESS, "").replace(OWN_BOLD, "");
  expect(MENTION.exec(text)?.[0], "a working mention").toBeUndefined();
  expect(/[*_~`|]/.exec(text)?.[0], "a live Markdown marker").toBeUndefined();
}

function embedChars(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  return (
    (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + fields
  );
}

/** One message as sent to Discord: within every limit, not empty, escaped. */
export function checkDiscordMessage(message: RenderedMessage, maxLinks: number): void {
  const embeds = message.embeds ?? [];
  expect(message.content !== undefined || embeds.length > 0).toBe(true);
  if (message.content !== undefined) {
    expect(message.content.length).toBeLessThanOrEqual(DISCORD.content);
    expect(message.content.trim()).not.toBe("");
    checkMarkdown(message.content, maxLinks);
  }
  expect(embeds.length).toBeLessThanOrEqual(DISCORD.embeds);
  expect(embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(DISCORD.total);
  for (const embed of embeds) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(DISCORD.title);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD.description);
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(DISCORD.footer);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD.fields);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(DISCORD.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(DISCORD.fieldValue);
    }
    // An embed Discord would show as empty is refused.
    expect(`${embed.title ?? ""}${embed.description ?? ""}`.trim()).not.toBe("");
    // Titles show no links and (on desktop) no Markdown, but mobile clients resolve mentions there.
    expect(MENTION.exec(embed.title ?? "")?.[0], "a mention in a title").toBeUndefined();
    for (const text of [embed.description, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])])
      if (text !== undefined) checkMarkdown(text, maxLinks);
  }
}

export function checkDiscord(reply: Reply): RenderedMessage[] {
  const messages = renderReply(reply);
  expect(messages.length).toBeGreaterThan(0);
  const webSources = (reply.footer?.sources ?? []).filter((s) => s.url !== undefined && isWebUrl(s.url));
  for (const message of messages) checkDiscordMessage(message, webSources.length);
  return messages;
}

/** Renders a reply on every platform and checks each; well-formed text must stay well-formed. */
export function checkEveryPlatform(reply: Reply): { telegram: string[]; discord: RenderedMessage[] } {
  const console = checkConsole(reply);
  const telegram = checkTelegram(reply);
  const discord = checkDiscord(reply);
  const urls = (reply.footer?.sources ?? []).map((s) => s.url ?? "");
  if (![...textsOf(reply), ...urls].some(hasLoneSurrogate)) {
    const out = [
      console,
      ...telegram,
      ...discord.flatMap((m) => [
        m.content ?? "",
        ...(m.embeds ?? []).flatMap((e) => [e.title ?? "", e.description ?? "", e.footer?.text ?? ""]),
      ]),
    ];
    expect(out.some(hasLoneSurrogate), "a renderer cut a character in half").toBe(false);
  }
  return { telegram, discord };
}
