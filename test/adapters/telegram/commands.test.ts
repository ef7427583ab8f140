import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../../commands/index.ts";
import { BOT_COMMAND_LIMITS, botCommands } from "../../../src/adapters/telegram/botCommands.ts";
import { fakeGroup, fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { type Harness, startTelegram } from "./harness.ts";

let bot: Harness;
beforeAll(async () => {
  bot = await startTelegram();
});
afterAll(() => bot.stop());

describe("Telegram adapter: start-up and the command menu", () => {
  it("GIVEN a valid token THEN it asks getMe, drops any webhook and long-polls getUpdates from update 1", async () => {
    const methods = bot.fake.calls.map((call) => call.method);
    expect(methods.slice(0, 2)).toEqual(["getMe", "deleteWebhook"]);
    const polls = await bot.fake.waitFor(() => {
      const calls = bot.fake.callsOf("getUpdates");
      return calls.length > 0 && calls;
    });
    expect(polls[0]?.payload).toMatchObject({ timeout: 30 });
    const user = fakeUser("Ana");
    bot.fake.userSays(user, privateChatOf(user), "/about");
    expect(bot.fake.lastUpdateId).toBe(1);
    expect((await bot.handled(1)).obj).toMatchObject({ command: "about", ok: true });
    // The next poll confirms update 1 by asking from 2, so it is never delivered twice.
    await bot.fake.waitFor(() => bot.fake.callsOf("getUpdates").some((c) => c.payload.offset === 2));
  });

  it("GIVEN the registry THEN setMyCommands gets every command, within Telegram's limits", () => {
    expect(bot.fake.commands).toEqual(botCommands(commands));
    expect(bot.fake.commands.map((c) => c.command)).toEqual(commands.map((c) => c.name));
    expect(bot.fake.commands.length).toBeLessThanOrEqual(BOT_COMMAND_LIMITS.count);
    for (const { command, description } of bot.fake.commands) {
      expect(command).toMatch(BOT_COMMAND_LIMITS.name);
      expect(description.length).toBeGreaterThan(0);
      expect(description.length).toBeLessThanOrEqual(BOT_COMMAND_LIMITS.descriptionLength);
    }
  });

  it("GIVEN a description longer than Telegram allows THEN the menu entry is shortened, not refused", () => {
    const long = { ...commands[0], name: "long", description: "word ".repeat(80) } as (typeof commands)[0];
    const [entry] = botCommands([long]);
    expect(entry?.description.length).toBe(BOT_COMMAND_LIMITS.descriptionLength);
    expect(entry?.description.endsWith("…")).toBe(true);
  });
});

describe("Telegram adapter: the text syntax", () => {
  it("GIVEN plain text in a private chat THEN it is a question for /ask", async () => {
    const user = fakeUser("Lee");
    const answer = await bot.say(user, privateChatOf(user), "do programs still care about step 1?");
    expect(answer.message.text).toContain("Step 1");
    const handled = await bot.handled(lastUpdateId());
    expect(handled.obj).toMatchObject({ command: "ask", ok: true });
  });

  it("GIVEN /help@ThisBot in a group THEN it answers, AND /help@OtherBot is left to the other bot", async () => {
    const user = fakeUser("Kim");
    const group = fakeGroup("Study group");
    bot.fake.userSays(user, group, "/help@SomeOtherBot");
    const ignoredUpdate = lastUpdateId();
    const answer = await bot.say(user, group, "/about@StepwiseTestBot");
    expect(answer.message.text).toContain("About Stepwise");
    expect(bot.fake.messagesIn(group.id)).toHaveLength(1);
    expect(bot.logs.some((e) => e.obj.updateId === ignoredUpdate)).toBe(false);
    // In groups the answer replies to the command, so the thread stays readable.
    expect(answer.message.reply_to_message?.message_id).toBeGreaterThan(0);
  });

  it("GIVEN an unknown command in a group THEN it is left alone unless addressed to this bot", async () => {
    const user = fakeUser("Ray");
    const group = fakeGroup("Busy group");
    await bot.say(user, privateChatOf(user), "/start");
    const direct = bot.fake.messagesIn(user.id).length;
    bot.fake.userSays(user, group, "/weather");
    const ignored = lastUpdateId();
    const pointer = await bot.say(user, group, "/weather@StepwiseTestBot");
    expect(pointer.message.text).toContain("private chat");
    expect(bot.fake.messagesIn(group.id)).toHaveLength(1);
    expect(bot.logs.some((e) => e.obj.updateId === ignored)).toBe(false);
    const error = await bot.fake.nextMessage(user.id, direct);
    expect(error.message.text).toContain("There is no command /weather");
  });

  it("GIVEN a typo in an option THEN the specific error and the usage come back", async () => {
    const user = fakeUser("Noor");
    const answer = await bot.say(user, privateChatOf(user), "/topics topic:nope");
    expect(answer.message.text).toContain('There is no topic "nope"');
  });

  it("GIVEN /start THEN a welcome that points to /help", async () => {
    const user = fakeUser("Ola");
    const answer = await bot.say(user, privateChatOf(user), "/start");
    expect(answer.message.text).toContain("/help");
  });
});

const lastUpdateId = () => bot.fake.lastUpdateId;
