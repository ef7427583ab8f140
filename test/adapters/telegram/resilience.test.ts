import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../../commands/index.ts";
import { createTelegramAdapter } from "../../../src/adapters/telegram/index.ts";
import { ConfigError } from "../../../src/config.ts";
import { DeliveryError } from "../../../src/core/errors.ts";
import { createCore } from "../../../src/core/handle.ts";
import { paragraph, reply } from "../../../src/core/reply.ts";
import { FakeTelegram, fakeGroup, fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { testContext } from "../../helpers.ts";
import { Gate, gates, type Harness, startTelegram, testCommands } from "./harness.ts";

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const nudge = reply({ blocks: [paragraph("Time for today's question block.")] });

describe("Telegram adapter: start-up errors", () => {
  it("GIVEN a token Telegram rejects (401) THEN start-up fails saying how to fix the token", async () => {
    const fake = new FakeTelegram();
    const apiRoot = await fake.start();
    try {
      const { services } = await testContext();
      const adapter = createTelegramAdapter({
        token: "123456789:AAThisIsNotTheRightTokenForTheBot00",
        apiRoot,
        core: createCore(services, commands),
      });
      const failure = adapter.start();
      await expect(failure).rejects.toBeInstanceOf(ConfigError);
      await expect(failure).rejects.toThrow(/TELEGRAM_BOT_TOKEN.*401.*@BotFather/);
      expect(fake.callsOf("getUpdates")).toHaveLength(0);
    } finally {
      await fake.stop();
    }
  });
});

describe("Telegram adapter: rate limits and failures", () => {
  it("GIVEN a 429 with retry_after THEN the message is sent again after that wait", async () => {
    bot = await startTelegram();
    const user = fakeUser("Ann");
    bot.fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    const answer = await bot.say(user, privateChatOf(user), "/about");
    expect(answer.message.text).toContain("About Stepwise");
    const [refused, accepted] = bot.fake.callsOf("sendMessage");
    expect((accepted?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(bot.logs).toContainEqual(
      expect.objectContaining({
        level: "warn",
        obj: expect.objectContaining({ method: "sendMessage", error_code: 429 }),
      }),
    );
  });

  it("GIVEN an update whose reply Telegram refuses THEN it is logged with the update id and the next one is answered", async () => {
    bot = await startTelegram();
    const user = fakeUser("Bo");
    const chat = privateChatOf(user);
    bot.fake.failNext("sendMessage", {
      error_code: 400,
      description: "Bad Request: message thread not found",
    });
    bot.fake.userSays(user, chat, "/about");
    const failed = bot.fake.lastUpdateId;
    const next = await bot.say(user, chat, "/help");
    expect(next.message.text).toContain("Stepwise commands");
    const logged = bot.logs.find((e) => e.msg === "telegram update failed");
    expect(logged?.obj).toMatchObject({ updateId: failed, err: { error_code: 400, method: "sendMessage" } });
    // Payloads stay out of logs: they carry what people wrote.
    expect(JSON.stringify(bot.logs)).not.toContain("About Stepwise");
  });

  it("GIVEN the connection drops during long polling THEN the bot backs off, reconnects and keeps answering", async () => {
    bot = await startTelegram();
    const { fake } = bot;
    const user = fakeUser("Cy");
    const polls = fake.callsOf("getUpdates").length;
    fake.dropNext("getUpdates");
    // The dropped poll, then (after the back-off) a new one.
    const [dropped, retried] = await fake.waitFor(() => {
      const calls = fake.callsOf("getUpdates").slice(polls);
      return calls.length > 1 && calls;
    });
    expect((retried?.at ?? 0) - (dropped?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    const answer = await bot.say(user, privateChatOf(user), "/about");
    expect(answer.message.text).toContain("About Stepwise");
    expect(bot.logs).toContainEqual(
      expect.objectContaining({
        msg: "Telegram API unreachable",
        obj: expect.objectContaining({ method: "getUpdates" }),
      }),
    );
  });
});

describe("Telegram adapter: users who blocked the bot", () => {
  it("GIVEN a user blocks the bot THEN one record says so (theirs), and writing again lifts it", async () => {
    bot = await startTelegram();
    const user = fakeUser("Dana");
    const chat = privateChatOf(user);
    const key = `telegram:${user.id}`;
    await bot.say(user, chat, "/start");
    bot.fake.block(user);
    const record = await bot.fake.waitFor(() => bot?.document.read().chats[key]);
    expect(record).toMatchObject({ unreachable: { reason: "the user blocked the bot" }, owner: key });

    await bot.say(user, chat, "/about");
    expect(bot.document.read().chats[key]).toBeUndefined();
    await bot.adapter.send(key, nudge);
    expect(bot.fake.messagesIn(chat.id).at(-1)?.message.text).toBe("Time for today's question block.");
  });

  it("GIVEN a 403 when sending THEN a permanent DeliveryError; an address that is not Telegram's is refused unsent", async () => {
    bot = await startTelegram();
    const user = fakeUser("Eve");
    await bot.say(user, privateChatOf(user), "/start");
    bot.fake.block(user, { notify: false });
    const refusal = bot.adapter.send(`telegram:${user.id}`, nudge);
    await expect(refusal).rejects.toBeInstanceOf(DeliveryError);
    await expect(refusal).rejects.toMatchObject({
      permanent: true,
      reason: "Telegram refused: bot was blocked by the user",
    });
    const sends = bot.fake.callsOf("sendMessage").length;
    expect(bot.adapter.owns(String(user.id))).toBe(false);
    await expect(bot.adapter.send(String(user.id), nudge)).rejects.toMatchObject({ permanent: true });
    expect(bot.fake.callsOf("sendMessage")).toHaveLength(sends);
  });

  it("GIVEN a chat Telegram does not know THEN permanent; another refusal THEN transient", async () => {
    bot = await startTelegram();
    await expect(bot.adapter.send("telegram:-100999", nudge)).rejects.toMatchObject({ permanent: true });
    const group = fakeGroup("Known group");
    const user = fakeUser("Fin");
    await bot.say(user, group, "/about");
    bot.fake.failNext("sendMessage", {
      error_code: 400,
      description: "Bad Request: message thread not found",
    });
    await expect(bot.adapter.send(`telegram:${group.id}`, nudge)).rejects.toMatchObject({ permanent: false });
    await bot.adapter.send(`telegram:${group.id}`, nudge);
    expect(bot.fake.messagesIn(group.id).at(-1)?.message.text).toBe("Time for today's question block.");
  });
});

describe("Telegram adapter: concurrency and shutdown", () => {
  it("GIVEN a slow command in one chat THEN other chats are answered meanwhile, and that chat stays in order", async () => {
    gates.slow = new Gate();
    bot = await startTelegram({ commands: testCommands });
    const slowUser = fakeUser("Gil");
    const other = fakeUser("Hana");
    const slowChat = privateChatOf(slowUser);
    bot.fake.userSays(slowUser, slowChat, "/slow");
    bot.fake.userSays(slowUser, slowChat, "/groupsetting");
    const meanwhile = await bot.say(other, privateChatOf(other), "/groupsetting");
    expect(meanwhile.message.text).toBe("Group setting saved.");
    expect(bot.fake.messagesIn(slowChat.id)).toHaveLength(0);

    gates.slow.open();
    const both = await bot.fake.waitFor(() => {
      const messages = bot?.fake.messagesIn(slowChat.id) ?? [];
      return messages.length === 2 && messages;
    });
    expect(both.map((m) => m.message.text)).toEqual(["Slow answer.", "Group setting saved."]);
  });

  it("GIVEN stop while a command runs THEN stop waits for its reply, and polling ends", async () => {
    gates.slow = new Gate();
    const started = await startTelegram({ commands: testCommands });
    const user = fakeUser("Ike");
    const chat = privateChatOf(user);
    started.fake.userSays(user, chat, "/slow");
    await started.fake.waitFor(() =>
      started.fake.callsOf("getUpdates").some((c) => Number(c.payload.offset) > 1),
    );
    let stopped = false;
    const stopping = started.adapter.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    gates.slow.open();
    await stopping;
    expect(started.fake.messagesIn(chat.id).map((m) => m.message.text)).toEqual(["Slow answer."]);
    const polls = started.fake.callsOf("getUpdates").length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started.fake.callsOf("getUpdates")).toHaveLength(polls);
    await started.fake.stop();
  });
});
