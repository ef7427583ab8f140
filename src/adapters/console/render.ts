import type { Block, Reply } from "../../engine/reply.ts";

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

/** Plain text for terminals and logs: the console adapter's one renderer. */
export function renderPlain(reply: Reply): string {
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
