import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { CAPTION_LIMIT } from "../../../src/adapters/telegram/delivery.ts";
import { defineCommand } from "../../../src/core/command.ts";
import { paragraph, reply } from "../../../src/core/reply.ts";
import { fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { attach, attachMine, PIXEL_PNG, SAMPLE_FILES } from "../../fixtures/attach.ts";
import { type Harness, startTelegram } from "./harness.ts";

const [calendar, picture] = SAMPLE_FILES as [(typeof SAMPLE_FILES)[0], (typeof SAMPLE_FILES)[0]];
const longText = "Work backwards from each deadline. ".repeat(60);

const longWithFile = defineCommand({
  name: "longfile",
  description: "A reply too long for a caption, with a calendar",
  options: z.object({}),
  run: () => reply({ title: "Your calendar", blocks: [paragraph(longText)], files: [calendar] }),
});

let bot: Harness;
beforeAll(async () => {
  bot = await startTelegram({ commands: [attach, attachMine, longWithFile] });
});
afterAll(() => bot.stop());

describe("Telegram adapter: files", () => {
  it("GIVEN one file and a reply that fits a caption THEN one document message, named, captioned with the reply", async () => {
    const user = fakeUser("Ines");
    const chat = privateChatOf(user);
    const sent = await bot.say(user, chat, "/attachmine");
    expect(sent.upload?.kind).toBe("document");
    expect(sent.upload?.file.data.equals(Buffer.from(calendar.data))).toBe(true);
    expect(sent.message.document).toMatchObject({
      file_name: "sample-calendar.ics",
      mime_type: "text/calendar",
    });
    expect(sent.text).toBe("Your own calendar, for you alone.");
    const [call] = bot.fake.callsOf("sendDocument").slice(-1);
    expect(call?.payload.parse_mode).toBe("HTML");
    expect(bot.fake.messagesIn(chat.id)).toHaveLength(1);
  });

  it("GIVEN a reply too long for a caption THEN its text comes first, then the file captioned with its description", async () => {
    const user = fakeUser("Joao");
    const chat = privateChatOf(user);
    bot.fake.userSays(user, chat, "/longfile");
    const file = await bot.fake.waitFor(() => bot.fake.messagesIn(chat.id).find((m) => m.upload));
    const messages = bot.fake.messagesIn(chat.id);
    expect(messages.at(-1)).toBe(file);
    expect(
      messages
        .slice(0, -1)
        .map((m) => m.text)
        .join(" "),
    ).toContain("Work backwards from each deadline.");
    expect(longText.length).toBeGreaterThan(CAPTION_LIMIT);
    expect(file.text).toBe(calendar.description);
  });

  it("GIVEN a picture and a calendar THEN the picture goes as a photo and the calendar as a document", async () => {
    const user = fakeUser("Kofi");
    const chat = privateChatOf(user);
    bot.fake.userSays(user, chat, "/attach");
    await bot.fake.waitFor(() => bot.fake.messagesIn(chat.id).filter((m) => m.upload).length === 2);
    const uploads = bot.fake.messagesIn(chat.id).flatMap((m) => (m.upload ? [m.upload] : []));
    expect(uploads.map((u) => u.kind)).toEqual(["document", "photo"]);
    expect(uploads[1]?.file.data.equals(PIXEL_PNG)).toBe(true);
    expect(bot.fake.messagesIn(chat.id).at(-1)?.message.photo?.[0]).toMatchObject({ width: 1, height: 1 });
    expect(bot.fake.messagesIn(chat.id).at(-1)?.text).toBe(picture.description);
  });

  it("GIVEN a scheduled post with a file THEN send() delivers it to the chat too", async () => {
    const user = fakeUser("Lina");
    const chat = privateChatOf(user);
    await bot.say(user, chat, "/attachmine");
    await bot.adapter.send(
      `telegram:${chat.id}`,
      reply({ title: "Milestone", blocks: [paragraph("ERAS opens soon.")], files: [calendar] }),
    );
    const last = bot.fake.messagesIn(chat.id).at(-1);
    expect(last?.upload?.file.filename).toBe("sample-calendar.ics");
    expect(last?.text).toContain("ERAS opens soon.");
  });
});
