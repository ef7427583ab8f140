import { UserError } from "./errors.ts";
import { charBoundary, clip } from "./text.ts";

/** A command line split into its parts, before anything is looked up. */
export interface TextCommand {
  name: string;
  /** `@BotName` after the name, as Telegram groups send it. */
  mention?: string;
  /** Everything after the name, untouched (free-text options take it whole). */
  rest: string;
}

export interface ArgToken {
  key?: string;
  value: string;
}

const COMMAND = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?=\s|$)/;
const OPEN_QUOTES = new Map([
  ['"', '"'],
  ["“", "”"],
  ["„", "“"],
]);

/** Splits `/name@bot rest` or returns null when the line is not a command at all. */
export function parseTextCommand(line: string): TextCommand | null {
  const trimmed = line.trim();
  const match = COMMAND.exec(trimmed);
  if (!match) return null;
  const [whole, name = "", mention] = match;
  // No command name is this long; cut, so a huge unknown name is never echoed or logged whole.
  const parsed: TextCommand = {
    name: clip(name.toLowerCase(), 41),
    rest: trimmed.slice(whole.length).trim(),
  };
  if (mention) parsed.mention = mention;
  return parsed;
}

/**
 * Tokenizes `key:value key:"quoted value" word` into tokens. Quotes may be straight or the curly
 * ones phones insert; `\"` escapes a quote inside quotes.
 */
export function tokenizeArgs(text: string): ArgToken[] {
  const tokens: ArgToken[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (i >= text.length) break;
    const keyMatch = /^([a-z][a-z0-9_]*):/i.exec(text.slice(i, i + 64));
    const key = keyMatch?.[1]?.toLowerCase();
    if (keyMatch) i += keyMatch[0].length;
    const { value, next } = readValue(text, i);
    tokens.push(key === undefined ? { value } : { key, value });
    i = next;
  }
  return tokens;
}

function readValue(text: string, start: number): { value: string; next: number } {
  const close = OPEN_QUOTES.get(text.charAt(start));
  if (close === undefined) {
    let end = start;
    while (end < text.length && !/\s/.test(text.charAt(end))) end++;
    return { value: text.slice(start, end), next: end };
  }
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === "\\" && (text.charAt(i + 1) === close || text.charAt(i + 1) === "\\")) {
      value += text.charAt(i + 1);
      i++;
    } else if (ch === close || (close !== '"' && ch === '"')) {
      return { value, next: i + 1 };
    } else {
      value += ch;
    }
  }
  const context = text.slice(charBoundary(text, Math.max(0, start - 12)), charBoundary(text, start + 12));
  throw new UserError(`A quote opened near "${context}" is never closed. Close it with ${close}.`);
}
