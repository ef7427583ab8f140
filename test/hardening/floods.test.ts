/**
 * Finding 3 of issue #16: floods. One Telegram user's 1,000 /ask got 968 "please wait" replies and
 * held another user's /help for 16.7 s; /start, /cancel and typed answers were not counted at all;
 * in a group, replies queued for minutes behind Telegram's 20 a minute, and SIGTERM with that
 * backlog overran 5 s and exited 1. Driven through the real grammY client against the fake Bot
 * API, the real discord.js against the fake Discord, and the real program for the shutdown.
 */
import { ApplicationCommandOptionType, GatewayDispatchEvents } from "discord.js";
import type { User } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import type { ThrottleLimits } from "../../src/adapters/telegram/throttle.ts";
import { SHUTDOWN_DEADLINE_MS } from "../../src/app.ts";
import { createRateLimit } from "../../src/limits/rateLimit.ts";
import { startBot } from "../adapters/discord/harness.ts";
import { type Harness, startTelegram } from "../adapters/telegram/harness.ts";
import { commandInteraction, snowflake, user } from "../fakes/discord/payloads.ts";
import { type FakeTelegram, fakeGroup, fakeUser, privateChatOf } from "../fakes/telegram/server.ts";
import { startProgramOnFakes } from "./programOnFakes.ts";

const FLOOD = 1_000;
const REFUSAL = "You're sending commands faster than I can keep up with";
/** The per-person budget (8 in 10 s) answers 8 messages and refuses the 9th, once. */
const ANSWERED_AT_MOST = 9;

let telegram: Harness | undefined;
afterEach(async () => {
  await telegram?.stop();
  telegram = undefined;
});

/** Messages the bot sent or changed in a chat, as Telegram's limits count them. */
const writesTo = (fake: FakeTelegram, chatId: number) =>
  fake.calls.filter((call) => /^(send|edit)/.test(call.method) && call.payload.chat_id === chatId);

/**
 * Resolves once the bot has taken every update and then written nothing for a second, or after
 * `capMs` (a bot still answering a flood by then has failed the test's counts anyway).
 */
async function quiet(fake: FakeTelegram, capMs = 30_000): Promise<void> {
  const deadline = Date.now() + capMs;
  const written = () => fake.calls.filter((call) => /^(send|edit)/.test(call.method)).length;
  let seen = -1;
  while (Date.now() < deadline) {
    const taken = fake.callsOf("getUpdates").some((c) => Number(c.payload.offset) > fake.lastUpdateId);
    if (taken && written() === seen) return;
    seen = written();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** A person sends a line and waits for the bot's next message in that chat (a minute at most). */
async function answerTo(
  fake: FakeTelegram,
  from: User,
  chat: Parameters<FakeTelegram["userSays"]>[1],
  text: string,
) {
  const seen = fake.messagesIn(chat.id).length;
  fake.userSays(from, chat, text);
  return fake.waitFor(() => fake.messagesIn(chat.id)[seen], 60_000);
}

const floods: Array<[string, (i: number) => string]> = [
  ["questions", (i) => `/ask do programs still care about step 1? (${i})`],
  ["unknown commands", () => "/frobnicate"],
  ["bare commands that open guided input", () => "/score add"],
  ["commands with bad options", () => "/score add exam:step9 test:x score:abc"],
  ["/start", () => "/start"],
  ["/cancel", () => "/cancel"],
  ["typed answers to an open question", (i) => (i === 0 ? "/score add" : "not an exam")],
];

describe("finding 3 (floods): one person's flood on Telegram", () => {
  it.each(floods)(
    "GIVEN 1,000 %s from one person THEN at most 8 answers and one refusal, and another person's /help is answered before the flood is through",
    async (_kind, line) => {
      telegram = await startTelegram({ services: { limits: createRateLimit() } });
      const { fake } = telegram;
      const ada = fakeUser("Ada");
      const ben = fakeUser("Ben");
      const adaChat = privateChatOf(ada);
      for (let i = 0; i < FLOOD; i++) fake.userSays(ada, adaChat, line(i));
      const help = await answerTo(fake, ben, privateChatOf(ben), "/help");
      expect(help.message.text).toContain("/ask");
      // Waiting behind the flood, Ben would have been answered only after hundreds of Ada's replies.
      expect(fake.messagesIn(adaChat.id).length).toBeLessThanOrEqual(ANSWERED_AT_MOST);
      await quiet(fake);
      const answers = fake.messagesIn(adaChat.id).map((m) => m.text);
      expect(answers.length).toBeLessThanOrEqual(ANSWERED_AT_MOST);
      expect(answers.filter((text) => text.includes(REFUSAL))).toHaveLength(1);
      // Each message counted is answered by at most one new message and one edit (a closed question).
      expect(writesTo(fake, adaChat.id).length).toBeLessThanOrEqual(2 * ANSWERED_AT_MOST);
    },
  );

  it("GIVEN 1,000 presses of a question's button from one person THEN each is answered on the button, one of them with the refusal, and another person's /help is answered", async () => {
    telegram = await startTelegram({ services: { limits: createRateLimit() } });
    const { fake } = telegram;
    const ada = fakeUser("Ada");
    const adaChat = privateChatOf(ada);
    const question = await answerTo(fake, ada, adaChat, "/score add");
    const presses = Array.from({ length: FLOOD }, () => fake.userPresses(ada, question, "Cancel"));
    await answerTo(fake, fakeUser("Ben"), privateChatOf(fakeUser("Ben")), "/help");
    await fake.waitFor(() => fake.callbackAnswers.length === FLOOD, 30_000);
    expect(fake.callbackAnswers.map((a) => a.callback_query_id).sort()).toEqual([...presses].sort());
    expect(fake.callbackAnswers.filter((a) => a.text?.includes(REFUSAL))).toHaveLength(1);
    await quiet(fake);
    expect(writesTo(fake, adaChat.id).length).toBeLessThanOrEqual(2 * ANSWERED_AT_MOST);
  });

  it("GIVEN a slow Telegram and a flood of questions from one person THEN another person's /help is answered while the flood's answers are still going out", async () => {
    telegram = await startTelegram({ services: { limits: createRateLimit() } });
    const { fake } = telegram;
    // Each call takes 300 ms: Ada's eight answers, sent one after another, take over two seconds.
    fake.latencyMs = 300;
    const ada = fakeUser("Ada");
    const adaChat = privateChatOf(ada);
    for (let i = 0; i < FLOOD; i++)
      fake.userSays(ada, adaChat, `/ask is step 2 ck more important now? (${i})`);
    await answerTo(fake, fakeUser("Ben"), privateChatOf(fakeUser("Ben")), "/help");
    // Queued behind Ada's updates (one shared line), Ben would have come after all of her answers.
    expect(fake.messagesIn(adaChat.id).length).toBeLessThan(ANSWERED_AT_MOST);
    await fake.waitFor(() => fake.messagesIn(adaChat.id).length === ANSWERED_AT_MOST, 30_000);
  });
});

/** Telegram's global rate, and a group budget small enough to spend in a test, over a long window. */
const groupLimits: ThrottleLimits = {
  global: { points: 30, seconds: 1 },
  group: { points: 6, seconds: 60 },
  share: { points: 3, seconds: 60 },
};

describe("finding 3 (floods): a group's send budget", () => {
  it("GIVEN 200 commands from one member THEN they get their share and one note, and another member is answered at once", async () => {
    telegram = await startTelegram({ services: { limits: createRateLimit() }, limits: groupLimits });
    const { fake } = telegram;
    const group = fakeGroup("Study group");
    const ada = fakeUser("Ada");
    const shareNote = (text: string) => text.startsWith("That is as many answers as I give one person");
    for (let i = 0; i < 200; i++) fake.userSays(ada, group, "/about");
    await fake.waitFor(() => fake.messagesIn(group.id).some((m) => shareNote(m.text)), 10_000);
    const answer = await answerTo(fake, fakeUser("Ben"), group, "/about");
    expect(answer.text).toMatch(/^About Stepwise/);
    await quiet(fake);
    const texts = fake.messagesIn(group.id).map((m) => m.text);
    // Ada's share (3) and its note, and Ben's answer: within the group's 6, none held back.
    expect(texts.filter(shareNote)).toHaveLength(1);
    expect(texts.length).toBeLessThanOrEqual(groupLimits.share.points + 2);
  });

  it("GIVEN twenty members flooding a group THEN replies stop at its budget with exactly one note, and none is held for the next window", async () => {
    telegram = await startTelegram({ services: { limits: createRateLimit() }, limits: groupLimits });
    const { fake } = telegram;
    const group = fakeGroup("Busy group");
    const members = Array.from({ length: 20 }, (_, i) => fakeUser(`Member ${i}`));
    for (let i = 0; i < 10; i++) for (const member of members) fake.userSays(member, group, "/about");
    await quiet(fake);
    const texts = fake.messagesIn(group.id).map((m) => m.text);
    expect(texts).toHaveLength(groupLimits.group.points);
    expect(
      texts.filter((text) => text.startsWith("This group has had as many messages from me")),
    ).toHaveLength(1);
    // Nothing is waiting for the window to pass: stopping has nothing to wait for.
    const stoppedAt = Date.now();
    await telegram.adapter.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
  });
});

describe("finding 3 (floods): Discord", () => {
  it("GIVEN 1,000 slash commands from one person (questions, unknown commands, bad options) THEN at most 8 answers and one refusal, and another person's /help is answered", async () => {
    const bot = await startBot({ services: { limits: createRateLimit() } });
    try {
      const { fake } = bot;
      const ada = user(snowflake(), "ada");
      const kinds: Array<[string, Parameters<typeof commandInteraction>[2]]> = [
        [
          "ask",
          [{ name: "question", type: ApplicationCommandOptionType.String, value: "is step 1 pass/fail?" }],
        ],
        ["frobnicate", []],
        ["target", [{ name: "step2ck", type: ApplicationCommandOptionType.Integer, value: 999 }]],
      ];
      const tokens: string[] = [];
      for (let i = 0; i < FLOOD; i++) {
        const [name, options] = kinds[i % kinds.length] ?? ["help", []];
        const payload = commandInteraction(fake.world, name, options, { user: ada });
        tokens.push(String(payload.token));
        fake.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
      }
      const help = await fake.runCommand("help", [], { user: user(snowflake(), "ben") });
      expect(help.requests[0]?.path).toMatch(/\/callback$/);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const callbacks = fake.requests.filter(
        (r) => r.path.endsWith("/callback") && tokens.some((token) => r.path.includes(`/${token}/`)),
      );
      expect(callbacks.length).toBeLessThanOrEqual(ANSWERED_AT_MOST);
      const refusals = callbacks.filter((r) => JSON.stringify(r.body).includes(REFUSAL));
      expect(refusals).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });
});

describe("finding 3 (floods): shutdown with a backlog", () => {
  it("GIVEN hundreds of people and a flooded group waiting for answers WHEN SIGTERM arrives THEN the bot answers what is in flight, drops what is queued, confirms what it took and exits 0 in time", async () => {
    const program = await startProgramOnFakes();
    const fake = program.telegram;
    try {
      const group = fakeGroup("Study group");
      for (let i = 0; i < 10; i++)
        for (let m = 0; m < 20; m++) fake.userSays(fakeUser(`Member ${m}`), group, "/about");
      for (let p = 0; p < 300; p++) {
        const person = fakeUser(`Person ${p}`);
        for (let i = 0; i < 3; i++) fake.userSays(person, privateChatOf(person), "/about");
      }
      // At 30 messages a second, Telegram's own limit, the answers take half a minute to go out.
      await fake.waitFor(() => fake.callsOf("sendMessage").length >= 30, 15_000);
      const sentAt = Date.now();
      program.child.kill("SIGTERM");
      expect(await program.exited).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      expect(program.stderr()).toContain('"msg":"stopped"');
      expect(program.stderr()).not.toContain("shutdown took longer");
      // The updates it took, answered or dropped, are confirmed, so none comes back at the next start.
      expect(fake.callsOf("getUpdates").at(-1)?.payload).toMatchObject({ timeout: 0 });
    } finally {
      await program.close();
    }
  });
});
