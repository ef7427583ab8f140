import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  choicesKeyboard,
  escapeHtml,
  MESSAGE_LIMIT,
  renderHtml,
} from "../../../src/adapters/telegram/render.ts";
import { bullets, fields, paragraph, reply } from "../../../src/core/reply.ts";
import { parseTelegramHtml } from "../../fakes/telegram/html.ts";
import { fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { type Harness, startTelegram, testCommands } from "./harness.ts";

const HOSTILE = `<script>alert("x")</script> <b>unclosed & <i>bad</b> &amp; &#x41; </a> >`;

describe("Telegram choice buttons", () => {
  it("GIVEN choices THEN one button per row whose data runs the line; one too long for Telegram's 64 bytes is left out", () => {
    const keyboard = choicesKeyboard([
      { label: "What is the OET?", line: "/ask oet-medicine-requirement" },
      { label: "Too long", line: `/ask ${"x".repeat(60)}` },
      { label: "Signals", line: "/ask eras-signals-basics" },
    ]);
    expect(keyboard?.inline_keyboard).toEqual([
      [{ text: "What is the OET?", callback_data: "c:/ask oet-medicine-requirement" }],
      [{ text: "Signals", callback_data: "c:/ask eras-signals-basics" }],
    ]);
    expect(choicesKeyboard([])).toBeUndefined();
  });
});

describe("Telegram HTML renderer", () => {
  it("GIVEN text with HTML in every part THEN what users see is that text, exactly", () => {
    const model = reply({
      title: HOSTILE,
      blocks: [paragraph(HOSTILE), bullets([HOSTILE, "plain"]), fields([{ name: HOSTILE, value: HOSTILE }])],
      footer: { sources: [{ title: HOSTILE, url: 'https://example.org/a?b=1&c="<x>"' }], note: HOSTILE },
    });
    const [html] = renderHtml(model);
    const seen = parseTelegramHtml(html ?? "");
    // Title, paragraph, bullet, field name and value, source, note.
    expect(seen.text.split(HOSTILE)).toHaveLength(8);
    expect(seen.links).toEqual([{ text: HOSTILE, url: 'https://example.org/a?b=1&c="<x>"' }]);
  });

  it("GIVEN a source whose address is not a web address THEN it is shown as text, not linked", () => {
    const [html] = renderHtml(
      reply({ blocks: [], footer: { sources: [{ title: "Guide", url: "javascript:alert(1)" }] } }),
    );
    expect(parseTelegramHtml(html ?? "").links).toEqual([]);
    expect(html).toContain("Guide");
  });

  it("GIVEN a long reply THEN it is split between paragraphs, each message under the limit", () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) =>
      `Paragraph ${i}: ${"study plan ".repeat(30)}`.trim(),
    );
    const messages = renderHtml(reply({ blocks: paragraphs.map((text) => paragraph(text)) }));
    expect(messages.length).toBeGreaterThan(1);
    const texts = messages.map((m) => parseTelegramHtml(m).text);
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    // No paragraph is cut: each message is whole paragraphs.
    expect(texts.flatMap((t) => t.split("\n\n"))).toEqual(paragraphs);
  });

  it("GIVEN any text at all THEN every message parses, fits, and together they show the whole text", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({
            unit: fc.constantFrom("<", ">", "&", '"', "a", " ", "\n", "é", "😀", "b>", "</"),
            maxLength: 3000,
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (texts) => {
          const messages = renderHtml(reply({ blocks: texts.map((text) => paragraph(text)) }), 500);
          const shown = messages.map((m) => {
            expect(m.length).toBeLessThanOrEqual(500);
            return parseTelegramHtml(m).text;
          });
          const squash = (s: string) => s.replace(/\s+/g, "");
          expect(squash(shown.join(""))).toBe(squash(texts.join("")));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("escapes the four characters Telegram reserves", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  });
});

describe("Telegram adapter: hostile text end to end", () => {
  let bot: Harness;
  beforeAll(async () => {
    bot = await startTelegram({ commands: testCommands });
  });
  afterAll(() => bot.stop());

  it("GIVEN HTML, <script> and unbalanced tags in a command THEN they come back escaped, never refused", async () => {
    const user = fakeUser("Xan");
    const text = HOSTILE.replaceAll('"', "'");
    const answer = await bot.say(user, privateChatOf(user), `/repeat times:2 spaced:yes text:"${text}"`);
    expect(answer.message.text).toBe(`${text}\n\n${text}\n\n${text}\n\nSources:\n• ${text}`);
    expect(answer.links[0]?.url).toBe(`https://example.org/?q=${encodeURIComponent(text)}&x="1"`);
    expect(bot.logs.filter((e) => e.level === "error" || e.level === "warn")).toEqual([]);
  });

  it("GIVEN a reply of tens of thousands of characters THEN it arrives in several messages Telegram accepts", async () => {
    const user = fakeUser("Yul");
    const chat = privateChatOf(user);
    const unit = "<b>&lt;script&gt;";
    await bot.say(user, chat, `/repeat times:1500 text:"${unit}"`);
    await bot.handled(bot.fake.lastUpdateId);
    const expected = renderHtml(
      reply({ title: unit, blocks: [paragraph(unit.repeat(1500))], footer: { sources: [{ title: unit }] } }),
    ).length;
    const messages = await bot.fake.waitFor(() => {
      const all = bot.fake.messagesIn(chat.id);
      return all.length >= expected && all;
    });
    expect(messages.length).toBeGreaterThan(5);
    const shown = messages.map((m) => m.message.text).join("");
    expect(shown.split(unit).length - 1).toBe(1500 + 2);
    expect(bot.fake.callsOf("sendMessage").every((c) => String(c.payload.text).length <= MESSAGE_LIMIT)).toBe(
      true,
    );
    expect(bot.logs.filter((e) => e.level === "error")).toEqual([]);
  });

  it("GIVEN a hostile value in an error THEN the error quotes it escaped", async () => {
    const user = fakeUser("Zed");
    const bare = await startTelegram();
    try {
      const answer = await bare.say(user, privateChatOf(user), "/topics <script>alert('x')</script>");
      expect(answer.message.text).toContain(`There is no topic "<script>alert('x')</script>"`);
    } finally {
      await bare.stop();
    }
  });
});
