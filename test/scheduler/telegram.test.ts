import type { Chat, User } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../../src/adapters/telegram/index.ts";
import {
  type ApiFailure,
  FakeTelegram,
  fakeGroup,
  fakeUser,
  privateChatOf,
} from "../fakes/telegram/server.ts";
import { NudgeBot } from "./wiring.ts";

/**
 * Daily nudges end to end on Telegram: commands through the fake Bot API and the real grammY
 * adapter, the scheduler ticked by hand, nudges delivered through the adapter's `send`.
 */

let fake: FakeTelegram;
let bot: NudgeBot;

beforeEach(async () => {
  fake = new FakeTelegram({ maxPollMs: 100 });
  await fake.start();
  bot = new NudgeBot((core) => createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, core }));
  await bot.start();
});
afterEach(async () => {
  await bot.stop();
  await fake.stop();
});

/** A user writes in a chat; resolves with the text of the bot's next message there. */
async function say(user: User, chat: Chat, text: string, answerIn: Chat = chat): Promise<string> {
  const seen = fake.messagesIn(answerIn.id).length;
  fake.userSays(user, chat, text);
  return (await fake.nextMessage(answerIn.id, seen)).text;
}

const texts = (chat: Chat) => fake.messagesIn(chat.id).map((m) => m.text);
const nudgesIn = (chat: Chat) => texts(chat).filter((text) => text.startsWith("Today's study nudge"));
const tick = (...instants: string[]) => bot.tick(...instants);

// 07:30 in Kolkata is 02:00 UTC.
const START = "/nudge start time:07:30 timezone:Asia/Kolkata";

/** A group with an admin who has subscribed it. */
async function subscribedGroup(): Promise<{ group: Chat.SupergroupChat; admin: User }> {
  const group = fakeGroup("Step 2 CK study group");
  const admin = fakeUser("Amina");
  fake.makeAdmin(group.id, admin.id);
  expect(await say(admin, group, START)).toContain("Daily study nudge set");
  return { group, admin };
}

describe("Daily nudges on Telegram, end to end", () => {
  it("GIVEN a group admin starts a nudge and a member is refused THEN exactly one nudge arrives in the group at its time, none at other minutes or after a restart", async () => {
    const group = fakeGroup("Step 2 CK study group");
    const admin = fakeUser("Amina");
    const member = fakeUser("Bilal");
    fake.makeAdmin(group.id, admin.id);
    await say(member, privateChatOf(member), "/start");

    // The refusal is only for the member: it goes to their private chat, with a note in the group.
    const inGroup = fake.messagesIn(group.id).length;
    expect(await say(member, group, START, privateChatOf(member))).toContain(
      "Only people who manage this group can use /nudge start here.",
    );
    expect((await fake.nextMessage(group.id, inGroup)).message.text).toContain("My answer is only for you");
    expect(bot.store.read().subscriptions).toEqual({});
    expect(await say(admin, group, START)).toContain("Daily study nudge set");
    const asked = fake.callsOf("getChatMember").map((call) => call.payload);
    expect(asked).toEqual([
      { chat_id: group.id, user_id: member.id },
      { chat_id: group.id, user_id: admin.id },
    ]);
    expect(Object.keys(bot.store.read().subscriptions)).toEqual([`telegram:${group.id}`]);

    const before = fake.callsOf("sendMessage").length;
    await tick("2026-06-01T01:58:00Z", "2026-06-01T01:59:00Z");
    expect(nudgesIn(group)).toEqual([]);
    await tick("2026-06-01T02:00:00Z");
    expect(nudgesIn(group)).toHaveLength(1);
    await tick("2026-06-01T02:01:00Z", "2026-06-01T04:00:00Z");

    await bot.restart();
    await tick("2026-06-01T04:01:00Z", "2026-06-01T12:00:00Z", "2026-06-01T18:29:00Z");
    expect(nudgesIn(group)).toHaveLength(1);
    // Only the group was written to, once.
    const sends = fake.callsOf("sendMessage").slice(before);
    expect(sends.map((call) => call.payload.chat_id)).toEqual([group.id]);

    await tick("2026-06-02T01:59:00Z", "2026-06-02T02:00:00Z", "2026-06-02T02:01:00Z");
    expect(nudgesIn(group)).toHaveLength(2);
  });

  it("GIVEN a private chat THEN the person starts their own nudge and it arrives there once", async () => {
    const user = fakeUser("Chen");
    const chat = privateChatOf(user);
    expect(await say(user, chat, "/nudge start time:21:00 timezone:America/New_York")).toContain(
      "Daily study nudge set",
    );
    expect(bot.store.read().subscriptions[`telegram:${user.id}`]).toMatchObject({
      chat_kind: "private",
      owner: `telegram:${user.id}`,
    });
    // 21:00 EDT is 01:00 UTC the next day.
    await tick("2026-06-02T00:59:00Z", "2026-06-02T01:00:00Z", "2026-06-02T01:01:00Z");
    expect(nudgesIn(chat)).toHaveLength(1);
    expect(fake.messagesIn(chat.id).at(-1)?.message.chat.id).toBe(user.id);
  });

  it.each<[string, ApiFailure]>([
    [
      "the bot was kicked (403)",
      { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat" },
    ],
    ["the chat is gone (400)", { error_code: 400, description: "Bad Request: chat not found" }],
    [
      "the group became a supergroup (400)",
      {
        error_code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: -1009999999999 },
      },
    ],
  ])(
    "GIVEN %s THEN the chat is recorded unreachable and nothing is tried until the bot hears from it again",
    async (_case, failure) => {
      const { group, admin } = await subscribedGroup();
      fake.failNext("sendMessage", failure);
      await tick("2026-06-01T02:00:00Z");
      const reason = failure.description.replace(/^(Forbidden|Bad Request): /, "");
      expect(bot.store.read().chats[`telegram:${group.id}`]?.unreachable.reason).toContain(reason);
      // Paused: the next day sends nothing, and nothing is tried.
      const tries = fake.callsOf("sendMessage").length;
      await tick("2026-06-02T02:00:00Z");
      expect(fake.callsOf("sendMessage")).toHaveLength(tries);

      // The bot is back in the group (it hears from it again): the record goes and the nudge resumes.
      expect(await say(admin, group, "/nudge status")).toContain("Active.");
      expect(bot.store.read().chats).toEqual({});
      await tick("2026-06-03T02:00:00Z");
      expect(nudgesIn(group)).toHaveLength(1);
    },
  );

  it("GIVEN Telegram answers 502 once THEN the nudge is retried and arrives once", async () => {
    const { group } = await subscribedGroup();
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    bot.clock.set("2026-06-01T02:00:00Z");
    expect(await bot.scheduler.tick()).toEqual({ sent: 1, skipped: 0, failed: 0 });
    expect(nudgesIn(group)).toHaveLength(1);
    expect(fake.callsOf("sendMessage").filter((call) => call.payload.chat_id === group.id)).toHaveLength(3);
  });
});
