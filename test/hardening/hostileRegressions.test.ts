/**
 * Plain regression tests for what the hostile-input properties found, one input each, so a
 * regression fails by name and not only by a shrunk counterexample.
 */
import { describe, expect, it } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import { escapeText, renderReply, splitText } from "../../src/adapters/discord/render.ts";
import { renderHtml } from "../../src/adapters/telegram/render.ts";
import { paragraph, type Reply, reply } from "../../src/core/reply.ts";
import { parseTelegramHtml } from "../fakes/telegram/html.ts";
import { runLine, testContext } from "../helpers.ts";
import { hasLoneSurrogate, textsOf } from "./hostileText.ts";

async function answer(line: string): Promise<Reply> {
  return (await runLine(line, await testContext())).reply;
}

const emoji = (count: number) => "😀".repeat(count);

describe("console: text a terminal would act on", () => {
  it("GIVEN escape sequences, CR, NUL, DEL and CSI in a reply THEN the terminal is shown them, not driven by them", () => {
    const text = renderPlain(
      reply({ blocks: [paragraph("a\x1b[2J\x1b]0;t\x07b\rc\r\nd\0e\x7ff\x9b31mg\th")] }),
    );
    expect(text).toBe("a␛[2J␛]0;t␇b\nc\nd␀e␡f\ufffd31mg\th");
  });

  it("GIVEN a typed screen-clearing sequence echoed in an error THEN it arrives as visible symbols", async () => {
    const text = renderPlain(await answer("/topics \x1b[2J\x1b[1;1H"));
    expect(text).toContain('There is no topic "␛[2J␛[1;1H"');
    expect(text).not.toContain("\x1b");
  });
});

describe("Discord: mentions and links in user text", () => {
  it("GIVEN every kind of mention THEN each is escaped, so none shows as a mention", () => {
    expect(escapeText("<@123> <@!1> <@&456> <#789> </help:1> <:e:1> <t:0:R> @everyone @here")).toBe(
      "\\<@123> \\<@!1> \\<@&456> \\<#789> \\</help:1> \\<:e:1> \\<t:0:R> \\@everyone \\@here",
    );
  });

  it("GIVEN two Markdown links on one line THEN neither works (escapeMarkdown escaped only the first)", () => {
    expect(escapeText("[a](b) [c](https://evil.example)")).toBe("\\[a](b) \\[c](https://evil.example)");
  });

  it("GIVEN underscores after `<:` THEN they are escaped too (escapeMarkdown left them live)", () => {
    expect(escapeText("<: __x__ _y_")).toBe("\\<: \\_\\_x\\_\\_ \\_y\\_");
  });

  it("GIVEN one line of 100 KB THEN every marker is escaped in one pass (escapeMarkdown took most of a minute)", () => {
    const line = "a_b*".repeat(25_000);
    expect(escapeText(line)).toBe("a\\_b\\*".repeat(25_000));
  });

  it("GIVEN mentions in a title THEN a zero-width space breaks them (mobile clients resolve them there)", () => {
    const [message] = renderReply(reply({ title: "@everyone <@123>", blocks: [paragraph("x")] }));
    expect(message?.embeds?.[0]?.title).toBe("@\u200beveryone <\u200b@123>");
  });

  it("GIVEN a title of only spaces THEN the embed gets the bot's name instead of showing empty", () => {
    const [message] = renderReply(reply({ title: "   ", blocks: [] }));
    expect(message?.embeds?.[0]?.title).toBe("Stepwise");
  });

  it("GIVEN sources whose address is not a web address, or holds a line break THEN no raw Markdown goes live", () => {
    const [message] = renderReply(
      reply({
        blocks: [],
        footer: {
          sources: [
            { title: "Script", url: "javascript:alert(1)" },
            { title: "Broken", url: "https://example.org/a b\n**x**" },
          ],
        },
      }),
    );
    expect(message?.content).toBe("**Sources:** Script · [Broken](https://example.org/a%20b**x**)");
  });
});

describe("characters outside the BMP are never cut in half", () => {
  it.each([
    ["an unclosed quote", `/score list exam:"${emoji(10)}`],
    ["a value quoted in an error", `/plan exam:step2ck exam_date:a${emoji(30)}`],
    ["a score that is not one", `/score add exam:step1 test:x score:a${emoji(12)}`],
  ])("GIVEN %s THEN the error reply is valid Unicode", async (_what, line) => {
    const texts = textsOf(await answer(line));
    expect(texts.join("\n")).toContain("😀");
    expect(texts.some(hasLoneSurrogate)).toBe(false);
  });

  it("GIVEN a long emoji title and body THEN Discord's title, chunks and Telegram's source title stay whole", () => {
    const long = reply({
      title: emoji(200),
      blocks: [paragraph(`a${emoji(3000)}`)],
      footer: { sources: [{ title: emoji(150), url: "https://example.org" }] },
    });
    const discord = renderReply(long).flatMap((m) => m.embeds ?? []);
    expect(discord.some((e) => hasLoneSurrogate(`${e.title ?? ""}${e.description ?? ""}`))).toBe(false);
    expect(splitText(`a${emoji(3000)}`, 2000).some(hasLoneSurrogate)).toBe(false);
    const telegram = renderHtml(long).map((html) => parseTelegramHtml(html).text);
    expect(telegram.some(hasLoneSurrogate)).toBe(false);
  });
});

describe("a refusal quotes only a little of a huge line", () => {
  it.each([
    ["an unknown word", `/plan ${"x".repeat(100_000)}`],
    ["an unknown command", `/${"a".repeat(100_000)}`],
    ["an unknown subcommand", `/score ${"b".repeat(100_000)}`],
  ])("GIVEN %s of 100 KB THEN the error is one short message", async (_what, line) => {
    const error = await answer(line);
    expect(textsOf(error).join("\n").length).toBeLessThan(1000);
    expect(renderHtml(error)).toHaveLength(1);
    expect(renderReply(error)).toHaveLength(1);
  });
});

describe("Discord: a reply is always answered", () => {
  it("GIVEN a reply whose only text is blank THEN Discord still gets a message (none meant no answer at all)", () => {
    expect(renderReply(reply({ blocks: [paragraph(" ")], footer: { note: " " } }))).toEqual([
      { content: "Done." },
    ]);
    const [titled] = renderReply(reply({ title: "Saved", blocks: [paragraph("\n")] }));
    expect(titled?.embeds?.[0]?.title).toBe("Saved");
  });
});
