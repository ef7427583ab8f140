import { MessageFlags } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.ts";
import { createDiscordAdapter } from "../../src/adapters/discord/index.ts";
import { answerOf } from "../adapters/discord/harness.ts";
import { slashFromLine } from "../fakes/discord/commandLine.ts";
import type { InteractionOptions } from "../fakes/discord/payloads.ts";
import { type ApiError, FakeDiscord } from "../fakes/discord/server.ts";
import { NudgeBot } from "./wiring.ts";

/**
 * Daily nudges end to end on Discord: slash commands through the fake gateway and the real
 * discord.js adapter, the scheduler ticked by hand, nudges posted through the adapter's `send`.
 */

let fake: FakeDiscord;
let bot: NudgeBot;

beforeEach(async () => {
  fake = await FakeDiscord.start();
  bot = new NudgeBot((core) => createDiscordAdapter({ token: fake.token, apiUrl: fake.apiUrl, core }));
  await bot.start();
});
afterEach(async () => {
  await bot.stop();
  await fake.stop();
});

/** Runs a slash command typed as a text line; resolves with the answer and its visible text. */
async function slash(line: string, where: InteractionOptions = {}) {
  const { name, options } = slashFromLine(line, commands);
  const answer = answerOf((await fake.runCommand(name, options, where)).requests);
  return { answer, text: JSON.stringify([answer.content, answer.embeds]) };
}

/** Posts that reached a channel (the ones Discord accepted). */
const postsTo = (channelId: string) =>
  fake.requests.filter(
    (r) => r.method === "POST" && r.path === `/channels/${channelId}/messages` && r.status === 200,
  );
const nudgesIn = (channelId: string) =>
  postsTo(channelId).filter((r) => r.body.embeds?.[0]?.title === "Today's study nudge");
const tick = (...instants: string[]) => bot.tick(...instants);

// 07:30 in Kolkata is 02:00 UTC.
const START = "/nudge start time:07:30 timezone:Asia/Kolkata";

describe("Daily nudges on Discord, end to end", () => {
  it("GIVEN a member with Manage Server starts a nudge and one without is refused THEN exactly one nudge is posted in the channel at its time, none at other minutes or after a restart", async () => {
    const { channelId } = fake.world;
    const refused = await slash(START, { manage: false });
    expect(refused.answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(refused.text).toContain("Only people who manage this group can use /nudge start here.");
    expect(bot.store.read().subscriptions).toEqual({});
    expect((await slash(START, { manage: true })).text).toContain("Daily study nudge set");
    expect(Object.keys(bot.store.read().subscriptions)).toEqual([`discord:${channelId}`]);

    await tick("2026-06-01T01:58:00Z", "2026-06-01T01:59:00Z");
    expect(nudgesIn(channelId)).toEqual([]);
    await tick("2026-06-01T02:00:00Z");
    expect(nudgesIn(channelId)).toHaveLength(1);
    await tick("2026-06-01T02:01:00Z", "2026-06-01T04:00:00Z");

    await bot.restart();
    await tick("2026-06-01T04:01:00Z", "2026-06-01T12:00:00Z", "2026-06-01T18:29:00Z");
    expect(nudgesIn(channelId)).toHaveLength(1);
    // Posted nowhere else: channel posts are only the scheduler's (commands answer by interaction).
    const channelPosts = fake.requests.filter((r) => r.method === "POST" && r.path.startsWith("/channels/"));
    expect(channelPosts.map((r) => r.path)).toEqual([`/channels/${channelId}/messages`]);
    expect(channelPosts[0]?.body.allowed_mentions).toEqual({ parse: [] });

    await tick("2026-06-02T01:59:00Z", "2026-06-02T02:00:00Z", "2026-06-02T02:01:00Z");
    expect(nudgesIn(channelId)).toHaveLength(2);
  });

  it("GIVEN a DM with the bot THEN the person starts their own nudge and it is posted there once", async () => {
    const { dmChannelId, member } = fake.world;
    expect((await slash(START, { in: "dm" })).text).toContain("Daily study nudge set");
    expect(bot.store.read().subscriptions[`discord:${dmChannelId}`]).toMatchObject({
      chat_kind: "private",
      owner: `discord:${member.id}`,
    });
    await tick("2026-06-01T02:00:00Z", "2026-06-01T02:01:00Z");
    expect(nudgesIn(dmChannelId)).toHaveLength(1);
  });

  it.each<[number, ApiError]>([
    [10003, { status: 404, code: 10003, message: "Unknown Channel" }],
    [50001, { status: 403, code: 50001, message: "Missing Access" }],
    [50013, { status: 403, code: 50013, message: "Missing Permissions" }],
  ])(
    "GIVEN Discord error %i THEN the nudge pauses with the reason in /nudge status until /nudge start",
    async (_code, error) => {
      const { channelId } = fake.world;
      await slash(START);
      fake.failChannel(channelId, error, 1);
      await tick("2026-06-01T02:00:00Z");
      const reason = bot.store.read().chats[`discord:${channelId}`]?.unreachable.reason ?? "";
      expect(reason).toMatch(/channel|permission|access/);
      // Paused: the next day nothing is tried.
      const tries = fake.requests.length;
      await tick("2026-06-02T02:00:00Z");
      expect(fake.requests).toHaveLength(tries);

      const status = (await slash("/nudge status")).text;
      expect(status).toContain("Paused since 2026-06-01");
      expect(status).toContain(reason);
      expect((await slash(START)).text).toContain("Daily study nudge set");
      expect((await slash("/nudge status")).text).toContain("Active.");
      await tick("2026-06-03T02:00:00Z");
      expect(nudgesIn(channelId)).toHaveLength(1);
    },
  );

  it("GIVEN Discord answers 502 more often than discord.js retries THEN the scheduler retries and the nudge is posted once", async () => {
    const { channelId } = fake.world;
    await slash(START);
    // discord.js tries a request 4 times on 5xx; the fifth failure falls to the scheduler's retry.
    fake.failChannel(channelId, { status: 502, code: 0, message: "Bad Gateway" }, 5);
    bot.clock.set("2026-06-01T02:00:00Z");
    expect(await bot.scheduler.tick()).toEqual({ sent: 1, skipped: 0, failed: 0 });
    const attempts = fake.requests.filter((r) => r.path === `/channels/${channelId}/messages`);
    expect(attempts.map((r) => r.status)).toEqual([502, 502, 502, 502, 502, 200]);
    expect(nudgesIn(channelId)).toHaveLength(1);
  });
});
