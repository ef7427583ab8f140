import type { Chat } from "grammy/types";
import { createTelegramAdapter } from "../../src/adapters/telegram/index.ts";
import type { Core } from "../../src/core/handle.ts";
import type { Adapter } from "../../src/core/ports.ts";
import {
  type BotMessage,
  FakeTelegram,
  fakeGroup,
  fakeUser,
  privateChatOf,
} from "../fakes/telegram/server.ts";
import type { LogLine } from "../helpers.ts";
import { BARRIER, type Driver, handled, isBarrier, type Shown } from "./driver.ts";

const shownOf = (message: BotMessage): Shown => ({
  text: message.text,
  links: message.links.map((link) => link.url),
  // Telegram keeps a document's name; a photo is an image without one.
  files: message.upload
    ? [
        {
          ...(message.upload.kind === "document" ? { name: message.upload.file.filename } : {}),
          data: message.upload.file.data,
        },
      ]
    : [],
  choices: (message.replyMarkup?.inline_keyboard ?? []).flat().map((button) => button.text),
});

/**
 * The grammY adapter against the fake Bot API. One person, an admin of one group, who has started
 * a private chat with the bot (so private answers asked for in the group can reach them).
 */
export function telegramDriver(): Driver {
  const fake = new FakeTelegram({ maxPollMs: 100 });
  const user = fakeUser("Contract");
  const direct = privateChatOf(user);
  const group = fakeGroup("Contract group");
  let adapter: Adapter | undefined;
  let logs: readonly LogLine[] = [];
  const chatOf = (where: "private" | "group"): Chat => (where === "group" ? group : direct);
  const since = (chat: Chat, from: number) =>
    fake
      .messagesIn(chat.id)
      .slice(from)
      .map(shownOf)
      .filter((shown) => !isBarrier(shown));

  /** Does `act` in the chat, then waits for the barrier sent after it; returns what arrived since. */
  async function answered(where: "private" | "group", act: (chat: Chat) => void) {
    const chat = chatOf(where);
    const fromGroup = fake.messagesIn(group.id).length;
    const fromDirect = fake.messagesIn(direct.id).length;
    act(chat);
    const requestId = String(fake.lastUpdateId);
    fake.userSays(user, chat, `/${BARRIER}`);
    const from = where === "group" ? fromGroup : fromDirect;
    await fake.waitFor(() => fake.messagesIn(chat.id).slice(from).map(shownOf).some(isBarrier));
    const visible = where === "group" ? since(group, fromGroup) : [];
    return { seen: { visible, personal: since(direct, fromDirect) }, requestId };
  }

  return {
    name: "telegram",
    groups: true,
    ephemeral: false,
    canAsk: true,

    async start(core: Core, coreLogs: readonly LogLine[]) {
      logs = coreLogs;
      const apiRoot = await fake.start();
      fake.addChat(group);
      // The person started a private chat with the bot earlier (a /start now would count against
      // their budget, which the flood test measures).
      fake.addChat(direct);
      fake.makeAdmin(group.id, user.id);
      // Telegram's 20 messages a minute per group would hold the suite's group answers back.
      const fast = { points: 1000, seconds: 1 };
      adapter = createTelegramAdapter({
        token: fake.token,
        apiRoot,
        core,
        limits: { global: fast, group: fast, share: fast },
      });
      await adapter.start();
    },

    caller: (where) => ({
      userId: `telegram:${user.id}`,
      address: `telegram:${chatOf(where).id}`,
      chatKind: where,
      canManage: async () => true,
    }),

    // One person's updates are handled in order: once the barrier is answered, so is what came before.
    async send(line, where) {
      const { seen, requestId } = await answered(where, (chat) => fake.userSays(user, chat, line));
      return { seen, requestId };
    },

    async press(label, where) {
      const chat = chatOf(where);
      const under = fake
        .messagesIn(chat.id)
        .findLast((sent) => sent.replyMarkup?.inline_keyboard.flat().some((b) => b.text === label));
      if (!under) throw new Error(`no button "${label}" in the ${where} chat`);
      return (await answered(where, () => fake.userPresses(user, under, label))).seen;
    },

    async flood(line, times) {
      const from = fake.messagesIn(direct.id).length;
      const ids: string[] = [];
      for (let i = 0; i < times; i++) {
        fake.userSays(user, direct, line);
        ids.push(String(fake.lastUpdateId));
      }
      await handled(logs, ids);
      await adapter?.stop();
      return { visible: [], personal: since(direct, from) };
    },

    async stop() {
      await adapter?.stop();
      await fake.stop();
    },
  };
}
