import type { Chat, User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotMessage, fakeGroup, fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { type Harness, startTelegram, testCommands } from "./harness.ts";

let bot: Harness;
beforeAll(async () => {
  bot = await startTelegram({ commands: testCommands });
});
afterAll(() => bot.stop());

const buttonsOf = (sent: BotMessage) => sent.replyMarkup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/** A bot with the real commands, for one person in their private chat, stopped afterwards. */
async function withRealCommands(
  name: string,
  run: (bare: Harness, user: User, chat: Chat) => Promise<void>,
): Promise<void> {
  const user = fakeUser(name);
  const bare = await startTelegram();
  try {
    await run(bare, user, privateChatOf(user));
  } finally {
    await bare.stop();
  }
}

/** Waits until the bot has `count` messages in the chat and returns the last. */
const messageNumber = (chatId: number, count: number) =>
  bot.fake.waitFor(() => bot.fake.messagesIn(chatId)[count - 1]);

describe("Telegram adapter: guided input", () => {
  it("GIVEN /checkin with no options THEN it asks step by step: buttons for choices, typed and checked numbers and dates", async () => {
    const user = fakeUser("Ana");
    const chat = privateChatOf(user);
    const first = await bot.say(user, chat, "/checkin");
    expect(first.message.text).toContain("Your Step 1 result");
    expect(buttonsOf(first)).toEqual(["pass", "fail", "not taken", "Cancel"]);

    const queryId = bot.fake.userPresses(user, first, "not taken");
    const second = await messageNumber(chat.id, 2);
    expect(bot.fake.callbackAnswers.map((a) => a.callback_query_id)).toContain(queryId);
    // The answered question loses its buttons and shows the answer.
    expect(bot.fake.messagesIn(chat.id)[0]?.message.text).toContain("✓ not taken");
    expect(bot.fake.messagesIn(chat.id)[0]?.replyMarkup).toBeUndefined();
    expect(second.message.text).toContain("Hours studied that day");
    expect(second.message.text).toContain("Type a whole number from 1 to 16");
    expect(buttonsOf(second)).toEqual(["Cancel"]);

    const retry = await bot.say(user, chat, "twenty");
    expect(retry.message.text).toContain("That answer doesn't fit");
    expect(retry.message.text).toContain("`hours` must be a whole number from 1 to 16");

    const third = await bot.say(user, chat, "6");
    expect(third.message.text).toContain("The day it was");
    expect(third.message.text).toContain("YYYY-MM-DD");

    const badDate = await bot.say(user, chat, "2026-02-30");
    expect(badDate.message.text).toContain("That answer doesn't fit");

    const done = await bot.say(user, chat, "2026-11-24");
    expect(done.message.text).toContain("Check-in saved");
    expect(done.message.text).toContain("not_taken");
    expect(done.message.text).toContain("2026-11-24");
    const handled = await bot.handled(bot.fake.lastUpdateId);
    expect(handled.obj).toMatchObject({ command: "checkin", ok: true });
  });

  it("GIVEN some options typed already THEN only the missing ones are asked", async () => {
    const user = fakeUser("Ben");
    const chat = privateChatOf(user);
    const ask = await bot.say(user, chat, "/checkin step1:pass day:2026-11-20");
    expect(ask.message.text).toContain("Hours studied that day");
    const done = await bot.say(user, chat, "3");
    expect(done.message.text).toContain("Check-in saved");
  });

  it("GIVEN an invalid option typed with the command THEN the error comes back and nothing is asked", async () => {
    const user = fakeUser("Cai");
    const answer = await bot.say(user, privateChatOf(user), "/checkin step1:maybe");
    expect(answer.message.text).toContain("`step1` must be one of pass, fail or not_taken");
    expect(answer.replyMarkup).toBeUndefined();
  });

  it("GIVEN the Cancel button THEN the flow ends and nothing runs", async () => {
    const user = fakeUser("Dee");
    const chat = privateChatOf(user);
    const first = await bot.say(user, chat, "/checkin");
    const ran = bot.logs.filter((e) => e.obj.command === "checkin").length;
    bot.fake.userPresses(user, first, "Cancel");
    await bot.fake.waitFor(() => bot.fake.messagesIn(chat.id)[0]?.text.includes("Cancelled"));
    expect(bot.fake.messagesIn(chat.id)[0]?.replyMarkup).toBeUndefined();
    // A number now answers nothing: in a private chat it is a question for /ask.
    await bot.say(user, chat, "6");
    expect(bot.logs.filter((e) => e.obj.command === "checkin")).toHaveLength(ran);
    expect(bot.logs.at(-1)?.obj).toMatchObject({ command: "ask" });
  });

  it("GIVEN /cancel typed THEN the open question is closed", async () => {
    const user = fakeUser("Eli");
    const chat = privateChatOf(user);
    await bot.say(user, chat, "/checkin");
    const cancelled = await bot.say(user, chat, "/cancel");
    expect(cancelled.message.text).toContain("Cancelled: nothing was changed");
    expect(bot.fake.messagesIn(chat.id)[0]?.replyMarkup).toBeUndefined();
  });

  it("GIVEN a group command with no subcommand THEN the subcommands are offered, then its options", async () => {
    const user = fakeUser("Fay");
    const chat = privateChatOf(user);
    const first = await bot.say(user, chat, "/demo");
    expect(buttonsOf(first)).toEqual(["one", "two", "Cancel"]);
    bot.fake.userPresses(user, first, "two");
    const second = await messageNumber(chat.id, 2);
    expect(buttonsOf(second)).toEqual(["low", "high", "Cancel"]);
    bot.fake.userPresses(user, second, "high");
    const done = await messageNumber(chat.id, 3);
    expect(done.message.text).toBe("Demo two ran at high.");
  });

  it("GIVEN a button pressed twice THEN the second press is told it is no longer open", async () => {
    const user = fakeUser("Gus");
    const chat = privateChatOf(user);
    const first = await bot.say(user, chat, "/demo");
    // What the person's phone still shows when they tap again before the edit arrives.
    const shown = structuredClone(first);
    bot.fake.userPresses(user, first, "one");
    await messageNumber(chat.id, 2);
    const again = bot.fake.userPresses(user, shown, "one");
    const answer = await bot.fake.waitFor(() =>
      bot.fake.callbackAnswers.find((a) => a.callback_query_id === again),
    );
    expect(answer.text).toContain("no longer open");
    expect(bot.fake.messagesIn(chat.id)).toHaveLength(2);
  });

  it("GIVEN a group THEN only the person who asked can answer, and typed answers must reply to the question", async () => {
    const asker = fakeUser("Hal");
    const other = fakeUser("Ivy");
    const group = fakeGroup("Step 1 group");
    const first = await bot.say(asker, group, "/checkin@StepwiseTestBot step1:fail");
    expect(first.message.text).toContain("Reply to this message");

    const intruder = bot.fake.userPresses(other, first, "Cancel");
    const refused = await bot.fake.waitFor(() =>
      bot.fake.callbackAnswers.find((a) => a.callback_query_id === intruder),
    );
    expect(refused).toMatchObject({ show_alert: true });
    expect(refused.text).toContain("isn't yours");

    // Not a reply to the question: in a group that is just chat, so the bot stays quiet.
    bot.fake.userSays(asker, group, "5");
    const next = await bot.say(asker, group, "5", { replyTo: first });
    expect(next.message.text).toContain("The day it was");
    expect(bot.fake.messagesIn(group.id)).toHaveLength(2);
  });

  it("GIVEN a question left open WHEN a choice under an earlier answer is tapped THEN that entry answers and the question closes", async () => {
    await withRealCommands("Ines", async (bare, user, chat) => {
      const declined = await bare.say(user, chat, "/ask is the ECFMG thing hard for people from my country");
      const [choice] = buttonsOf(declined);
      expect(buttonsOf(declined)).toHaveLength(5);
      const prompt = await bare.say(user, chat, "/score add");
      expect(buttonsOf(prompt)).toContain("step1");
      bare.fake.userPresses(user, declined, choice ?? "");
      const entry = await bare.fake.waitFor(() => bare.fake.messagesIn(chat.id)[2]);
      expect(entry.text.startsWith(choice ?? "")).toBe(true);
      const late = bare.fake.userPresses(user, prompt, "step1");
      const answer = await bare.fake.waitFor(() =>
        bare.fake.callbackAnswers.find((a) => a.callback_query_id === late),
      );
      expect(answer.text).toContain("no longer open");
      expect(bare.fake.messagesIn(chat.id)).toHaveLength(3);
    });
  });

  it("GIVEN /ask with no question THEN it asks for the question as typed text", async () => {
    await withRealCommands("Jo", async (bare, user, chat) => {
      const prompt = await bare.say(user, chat, "/ask");
      expect(prompt.message.text).toContain("Your question, in your own words");
      const answer = await bare.say(user, chat, "do programs still care about step 1?");
      expect(answer.message.text).toContain("Step 1");
    });
  });
});
