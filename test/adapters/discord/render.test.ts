import { describe, expect, it } from "vitest";
import { escapeText, LIMITS, renderReply, splitText } from "../../../src/adapters/discord/render.ts";
import { bullets, fields, paragraph, reply } from "../../../src/core/reply.ts";

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe("Discord renderer", () => {
  it("GIVEN a reply with choices THEN the last message carries one button per row, at most five, labels within 80", () => {
    const long = "A".repeat(120);
    const choices = [
      ...Array.from({ length: 6 }, (_, i) => ({
        label: i === 0 ? long : `Entry ${i}`,
        line: `/ask entry-${i}`,
      })),
      { label: "Too long to run", line: `/ask ${"x".repeat(120)}` },
    ];
    const messages = renderReply(
      reply({ title: "No vetted answer", blocks: [paragraph("Closest:")], choices }),
    );
    const rows = messages.at(-1)?.components ?? [];
    expect(rows).toHaveLength(LIMITS.actionRows);
    const buttons = rows.map((row) => row.components);
    expect(buttons.every((row) => row.length === 1)).toBe(true);
    const [first] = buttons.flat();
    expect(first?.label).toHaveLength(LIMITS.buttonLabel);
    expect(first?.label?.endsWith("…")).toBe(true);
    expect(buttons.flat().map((b) => b.custom_id)).toEqual([0, 1, 2, 3, 4].map((i) => `c:/ask entry-${i}`));
    expect(renderReply(reply({ blocks: [paragraph("no choices")] }))[0]?.components).toBeUndefined();
    const twice = renderReply(
      reply({
        blocks: [paragraph("twice")],
        choices: [
          { label: "A", line: "/ask a" },
          { label: "A again", line: "/ask a" },
        ],
      }),
    );
    expect(twice[0]?.components?.flatMap((row) => row.components.map((b) => b.custom_id))).toEqual([
      "c:/ask a",
    ]);
  });

  it("GIVEN a titled reply THEN one embed: title, escaped body, sources as links, the note as footer", () => {
    const [message, ...rest] = renderReply(
      reply({
        title: "Step 2 CK targets",
        blocks: [paragraph("Aim *high*."), bullets(["one", "two"]), fields({ Goal: "250+" })],
        footer: {
          sources: [{ title: "USMLE", url: "https://www.usmle.org/a_(b)" }, { title: "Guide" }],
          note: "Reviewed 1 May 2026.",
        },
      }),
    );
    expect(rest).toEqual([]);
    expect(message?.content).toBeUndefined();
    const embed = message?.embeds?.[0];
    expect(embed?.title).toBe("Step 2 CK targets");
    expect(embed?.description).toBe(
      "Aim \\*high\\*.\n\n• one\n• two\n\n**Goal**\n250+\n\n**Sources:** [USMLE](https://www.usmle.org/a_%28b%29) · Guide",
    );
    expect(embed?.footer?.text).toBe("Reviewed 1 May 2026.");
  });

  it("GIVEN a reply without a title THEN plain content", () => {
    expect(renderReply(reply({ blocks: [paragraph("`x` is missing.")] }))).toEqual([
      { content: "\\`x\\` is missing." },
    ]);
  });

  it("GIVEN text that Discord would format THEN every marker is escaped, so it shows as typed", () => {
    const hostile =
      "# Big\n> quote\n-# small\n- list\n1. item\n[click](https://evil.example) __u__ ~~s~~ ||hide|| `code`";
    expect(escapeText(hostile).split("\n")).toEqual([
      "\\# Big",
      "\\> quote",
      "\\-# small",
      "\\- list",
      "1\\. item",
      "\\[click](https://evil.example) \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|hide\\|\\| \\`code\\`",
    ]);
  });

  it("GIVEN a very long untitled reply THEN it is split under 2,000 characters at paragraph boundaries, losing nothing", () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) =>
      paragraph(`Paragraph ${i}: ${"study plan ".repeat(25)}`),
    );
    const messages = renderReply(reply({ blocks: paragraphs }));
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.content?.length).toBeLessThanOrEqual(LIMITS.content);
    expect(words(messages.map((m) => m.content).join(" "))).toEqual(
      words(paragraphs.map((p) => ("text" in p ? p.text : "")).join(" ")),
    );
    expect(messages[1]?.content?.startsWith("Paragraph")).toBe(true);
  });

  it("GIVEN one unbroken line longer than a message THEN it is cut hard and no chunk ends in a lone backslash", () => {
    const chunks = splitText(`${"a".repeat(1999)}\\*${"b".repeat(3000)}`, LIMITS.content);
    expect(chunks.length).toBe(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(LIMITS.content);
      expect(chunk.endsWith("\\")).toBe(false);
    }
    expect(chunks.join("")).toBe(`${"a".repeat(1999)}\\*${"b".repeat(3000)}`);
  });

  it("GIVEN an oversized title and note THEN they are shortened to fit one embed", () => {
    const [message] = renderReply(
      reply({
        title: "T".repeat(400),
        blocks: [paragraph("x".repeat(5000))],
        footer: { note: "n".repeat(3000) },
      }),
    );
    const embeds = message?.embeds ?? [];
    expect(embeds[0]?.title?.length).toBe(LIMITS.embedTitle);
    const size = embeds.reduce(
      (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0),
      0,
    );
    expect(size).toBeLessThanOrEqual(LIMITS.embedTotal);
  });
});
