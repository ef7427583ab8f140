import type { Block, Reply } from "../../core/reply.ts";

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return block.text;
    case "bullets":
      return block.items.map((item) => `  • ${item}`).join("\n");
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

/** Plain text for terminals and logs: the console adapter's one renderer. */
export function renderPlain(reply: Reply): string {
  return printable(layout(reply));
}

function layout(reply: Reply): string {
  const parts: string[] = [];
  if (reply.title) parts.push(`${reply.title}\n${"─".repeat(Math.min(reply.title.length, 60))}`);
  parts.push(...reply.blocks.map(renderBlock));
  const { sources = [], note } = reply.footer ?? {};
  const footer: string[] = [];
  if (sources.length > 0) {
    footer.push(`Sources: ${sources.map((s) => (s.url ? `${s.title} <${s.url}>` : s.title)).join("; ")}`);
  }
  if (note) footer.push(note);
  if (footer.length > 0) parts.push(footer.join("\n"));
  return parts.join("\n\n");
}
