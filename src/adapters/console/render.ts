import type { Block, Reply } from "../../core/reply.ts";

/** Where an item is one of the reply's choices: its number, counted from 1. */
type ChoiceNumber = (item: string) => number | undefined;

function renderBlock(block: Block, numberOf: ChoiceNumber): string {
  switch (block.kind) {
    case "paragraph":
      return block.text;
    case "bullets":
      return block.items
        .map((item) => {
          const n = numberOf(item);
          return n === undefined ? `  • ${item}` : `  ${n}. ${item}`;
        })
        .join("\n");
    case "fields":
      return block.fields.map((f) => `${f.name}\n${indent(f.value)}`).join("\n");
  }
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");

// Terminals act on control characters instead of showing them: ESC (and its one-byte form CSI)
// starts cursor moves, screen clears and title changes; CR and backspace overwrite what is shown.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Text a terminal only prints: line breaks kept, other C0 controls as their visible symbol (␛), C1 as �. */
function printable(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? "\u2421" : "\ufffd";
  });
}

/**
 * Plain text for terminals and logs: the console adapter's one renderer. With `numberChoices`,
 * listed items that are the reply's choices get their number instead of a bullet, and a line says
 * that typing it opens one (the console's stand-in for buttons).
 */
export function renderPlain(reply: Reply, options: { numberChoices?: boolean } = {}): string {
  return printable(layout(reply, options.numberChoices ?? false));
}

const CHOICE_HINT = "Type a number to open one of the numbered entries.";

function layout(reply: Reply, numberChoices: boolean): string {
  const labels = numberChoices ? (reply.choices ?? []).map((choice) => choice.label) : [];
  const numberOf: ChoiceNumber = (item) => {
    const index = labels.indexOf(item);
    return index < 0 ? undefined : index + 1;
  };
  const parts: string[] = [];
  if (reply.title) parts.push(`${reply.title}\n${"─".repeat(Math.min(reply.title.length, 60))}`);
  parts.push(...reply.blocks.map((block) => renderBlock(block, numberOf)));
  const numbered = reply.blocks.some((b) => b.kind === "bullets" && b.items.some((i) => numberOf(i)));
  if (numbered) parts.push(CHOICE_HINT);
  const { sources = [], note } = reply.footer ?? {};
  const footer: string[] = [];
  if (sources.length > 0) {
    footer.push(`Sources: ${sources.map((s) => (s.url ? `${s.title} <${s.url}>` : s.title)).join("; ")}`);
  }
  if (note) footer.push(note);
  if (footer.length > 0) parts.push(footer.join("\n"));
  return parts.join("\n\n");
}
