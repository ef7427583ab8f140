import { afterEach, describe, expect, it } from "vitest";
import type { ThrottleLimits } from "../../../src/adapters/telegram/throttle.ts";
import { DeliveryError } from "../../../src/core/errors.ts";
import { paragraph, reply } from "../../../src/core/reply.ts";
import { type ApiCall, fakeGroup, fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { type Harness, startTelegram } from "./harness.ts";

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const nudge = reply({ blocks: [paragraph("Time for today's question block.")] });
/** Windows of half a second instead of Telegram's 1 s and 60 s, so the tests stay quick. */
const WINDOW_MS = 500;
/**
 * Arrival times at the fake lag the moment a turn was given, by more for a first request (its
 * connection is opened then) and by tens of milliseconds when the whole suite loads both cores.
 * Without the throttle every message would arrive within a few milliseconds, far inside this.
 */
const JITTER_MS = 100;

const limits = (global: number, group: number): ThrottleLimits => ({
  global: { points: global, seconds: WINDOW_MS / 1000 },
  group: { points: group, seconds: WINDOW_MS / 1000 },
  share: { points: group, seconds: WINDOW_MS / 1000 },
});

/** The shortest time in which `points + 1` calls arrived: below the window, a bucket was exceeded. */
function tightestSpan(calls: readonly ApiCall[], points: number): number {
  const times = calls.map((call) => call.at).sort((a, b) => a - b);
  let tightest = Number.POSITIVE_INFINITY;
  for (let i = 0; i + points < times.length; i++) {
    tightest = Math.min(tightest, (times[i + points] ?? 0) - (times[i] ?? 0));
  }
  return tightest;
}

const sendsTo = (calls: readonly ApiCall[], chatId: number) =>
  calls.filter((call) => call.payload.chat_id === chatId);

describe("Telegram adapter: throttling to Telegram's rate limits", () => {
  it("GIVEN a fan-out to more groups than the global bucket allows THEN every message goes out, in turns, never over the bucket", async () => {
    bot = await startTelegram({ limits: limits(3, 20) });
    const groups = Array.from({ length: 9 }, (_, i) => fakeGroup(`Study group ${i}`));
    for (const group of groups) bot.fake.addChat(group);
    await Promise.all(groups.map((group) => bot?.adapter.send(`telegram:${group.id}`, nudge)));
    const calls = bot.fake.callsOf("sendMessage");
    expect(calls).toHaveLength(9);
    for (const group of groups) expect(bot.fake.messagesIn(group.id)).toHaveLength(1);
    expect(tightestSpan(calls, 3)).toBeGreaterThanOrEqual(WINDOW_MS - JITTER_MS);
  });

  it("GIVEN many messages to one group THEN that group's bucket holds them, while a private chat is not held up", async () => {
    bot = await startTelegram({ limits: limits(30, 2) });
    const group = fakeGroup("Busy group");
    const user = fakeUser("Priya");
    bot.fake.addChat(group);
    bot.fake.addChat(privateChatOf(user));
    const toGroup = Array.from({ length: 6 }, () => bot?.adapter.send(`telegram:${group.id}`, nudge));
    const toPerson = Array.from({ length: 3 }, () => bot?.adapter.send(`telegram:${user.id}`, nudge));
    await Promise.all([...toGroup, ...toPerson]);
    const calls = bot.fake.callsOf("sendMessage");
    const groupCalls = sendsTo(calls, group.id);
    const personCalls = sendsTo(calls, user.id);
    expect(groupCalls).toHaveLength(6);
    expect(tightestSpan(groupCalls, 2)).toBeGreaterThanOrEqual(WINDOW_MS - JITTER_MS);
    // The private chat's messages went out in the first window, before the group's third.
    const groupThird = groupCalls[2]?.at ?? 0;
    expect(personCalls.every((call) => call.at < groupThird)).toBe(true);
  });

  it("GIVEN a burst of commands in a group beyond its bucket THEN the replies it holds go out, the next is one note, and none waits for the next window", async () => {
    bot = await startTelegram({ limits: limits(30, 3) });
    const group = fakeGroup("Chatty group");
    const user = fakeUser("Omar");
    for (let i = 0; i < 5; i++) bot.fake.userSays(user, group, "/about");
    await bot.fake.waitFor(() => bot?.fake.messagesIn(group.id).length === 3);
    // Well past the window: a queued reply would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 2 * WINDOW_MS));
    const texts = bot.fake.messagesIn(group.id).map((m) => m.text.split("\n")[0]);
    expect(texts).toHaveLength(3);
    expect(texts.slice(0, 2)).toEqual(["About Stepwise", "About Stepwise"]);
    expect(texts[2]).toMatch(/^This group has had as many messages from me as Telegram allows/);
  });

  it("GIVEN a send waiting for its turn WHEN the adapter stops THEN it gives up at once as a transient failure", async () => {
    bot = await startTelegram({
      limits: {
        global: { points: 1, seconds: 60 },
        group: { points: 20, seconds: 60 },
        share: { points: 20, seconds: 60 },
      },
    });
    const group = fakeGroup("Late group");
    bot.fake.addChat(group);
    await bot.adapter.send(`telegram:${group.id}`, nudge);
    const waiting = bot.adapter.send(`telegram:${group.id}`, nudge).catch((error: unknown) => error);
    const stoppedAt = Date.now();
    await bot.adapter.stop();
    const failure = await waiting;
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ permanent: false });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(bot.fake.callsOf("sendMessage")).toHaveLength(1);
  });
});
