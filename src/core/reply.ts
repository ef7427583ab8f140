/**
 * The platform-free reply model. Handlers build these; each adapter has exactly one renderer
 * that turns them into its platform's format (and does all escaping there).
 * All text here is plain text: no Markdown, no HTML.
 */

export interface Field {
  name: string;
  value: string;
}

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "bullets"; items: string[] }
  | { kind: "fields"; fields: Field[] };

export interface SourceRef {
  title: string;
  url?: string;
}

export interface Footer {
  sources?: SourceRef[];
  /** A short closing line, e.g. "Reviewed 2026-11-25" or an edition note. */
  note?: string;
}

/**
 * A file sent with a reply: a calendar (.ics) or a picture (.png). Each adapter delivers it its own
 * way (Telegram: a photo for images, else a document; Discord: an attachment; console: a file whose
 * path is printed). `description` is what a screen reader, or a platform that cannot show the
 * file, gets instead.
 */
export interface Attachment {
  name: string;
  mime: string;
  data: Uint8Array;
  description: string;
}

/**
 * A next step the person can pick with one tap: Telegram and Discord show a button per choice, and
 * a tap runs `line` as if the person had typed it. The reply's text still names every choice, so
 * the console (and anyone reading) loses nothing; `line` must be short (Telegram carries at most
 * 64 bytes with a button), so it names things by id.
 */
export interface Choice {
  label: string;
  line: string;
}

/** Marks a button's data as a choice to run (Telegram's guided-input buttons start with "g:"). */
export const CHOICE_PREFIX = "c:";

export interface Reply {
  title?: string;
  blocks: Block[];
  footer?: Footer;
  /**
   * Holds personal data the person put in their message (a score in a question): the core sends it
   * to them alone, as for a command with the private-only precondition. It can only narrow who sees
   * a reply, never widen it; commands that always work with personal data use the precondition.
   */
  personal?: true;
  /** Next steps offered as buttons where the platform has them (see Choice). */
  choices?: Choice[];
  /** Files that go with the reply (see Attachment); adapters that cannot send one say so. */
  files?: Attachment[];
  /** Machine-readable result for `--json` and tests; never rendered as text. */
  data: Record<string, unknown>;
}

export const paragraph = (text: string): Block => ({ kind: "paragraph", text });
export const bullets = (items: string[]): Block => ({ kind: "bullets", items });
export const fields = (entries: Field[] | Record<string, string>): Block => ({
  kind: "fields",
  fields: Array.isArray(entries)
    ? entries
    : Object.entries(entries).map(([name, value]) => ({ name, value })),
});

/** Whether a source's address is a web address (http or https), the only kind renderers link. */
export function isWebUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * Builds a reply; `data` defaults to `{}`. Who may see it is not the reply's to say: the core
 * derives it from the command's preconditions (src/core/preconditions.ts).
 */
export function reply(parts: Partial<Reply> & { blocks: Block[] }): Reply {
  return { data: {}, ...parts };
}
