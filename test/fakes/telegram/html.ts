/**
 * Telegram's HTML parse mode as the Bot API documents it: a small set of tags, properly nested,
 * and every other `<`, `>` and `&` written as an entity. Anything else is refused with
 * "can't parse entities", as the real API does. Returns the text a user would see.
 */

const TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "tg-emoji",
  "code",
  "pre",
  "blockquote",
]);
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

export class EntityParseError extends Error {}

export interface ParsedHtml {
  text: string;
  links: Array<{ text: string; url: string }>;
}

export function parseTelegramHtml(html: string): ParsedHtml {
  const offset = (i: number) => Buffer.byteLength(html.slice(0, i));
  const fail = (what: string): never => {
    throw new EntityParseError(`Bad Request: can't parse entities: ${what}`);
  };
  let text = "";
  const open: Array<{ name: string; start: number; href?: string }> = [];
  const links: ParsedHtml["links"] = [];
  let i = 0;
  while (i < html.length) {
    const ch = html.charAt(i);
    if (ch === "&") {
      const match = /^&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/.exec(html.slice(i, i + 12));
      const entity = match?.[1];
      if (!match || entity === undefined)
        return fail(`Can't find end of the entity at byte offset ${offset(i)}`);
      const decoded = entity.startsWith("#")
        ? String.fromCodePoint(
            Number.parseInt(entity.slice(entity[1] === "x" ? 2 : 1), entity[1] === "x" ? 16 : 10),
          )
        : NAMED[entity];
      if (decoded === undefined)
        return fail(`Unsupported HTML entity "&${entity};" at byte offset ${offset(i)}`);
      text += decoded;
      i += match[0].length;
    } else if (ch === "<") {
      const end = html.indexOf(">", i);
      if (end === -1) return fail(`Unclosed start tag at byte offset ${offset(i)}`);
      const inside = html.slice(i + 1, end);
      if (inside.startsWith("/")) {
        const name = inside.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (!top || top.name !== name) {
          return fail(
            `Unmatched end tag at byte offset ${offset(i)}, expected "</${top?.name ?? ""}>", found "</${name}>"`,
          );
        }
        if (top.name === "a" && top.href !== undefined)
          links.push({ text: text.slice(top.start), url: top.href });
      } else {
        const tag = /^([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*"[^"]*")*)\s*$/.exec(inside);
        const name = tag?.[1]?.toLowerCase();
        if (!tag || name === undefined || !TAGS.has(name)) {
          return fail(`Unsupported start tag "${inside.split(/\s/)[0]}" at byte offset ${offset(i)}`);
        }
        const href = /href\s*=\s*"([^"]*)"/.exec(tag[2] ?? "")?.[1];
        open.push({
          name,
          start: text.length,
          ...(href === undefined ? {} : { href: decodeAttribute(href) }),
        });
      }
      i = end + 1;
    } else if (ch === ">") {
      return fail(`Character '>' is reserved and must be escaped at byte offset ${offset(i)}`);
    } else {
      text += ch;
      i++;
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) return fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, links };
}

function decodeAttribute(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => NAMED[name] ?? "");
}
