import { type APIApplicationCommandInteractionDataOption, ApplicationCommandOptionType } from "discord.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commands } from "../../commands/index.ts";
import { optionTypeOf } from "../../src/adapters/discord/register.ts";
import { CAPTION_LIMIT } from "../../src/adapters/telegram/delivery.ts";
import { leavesOf } from "../../src/core/dispatch.ts";
import { describeOptions, type OptionMeta } from "../../src/core/options.ts";
import { recordingLogger, startBot } from "../adapters/discord/harness.ts";
import { startTelegram } from "../adapters/telegram/harness.ts";
import type { InteractionOptions } from "../fakes/discord/payloads.ts";
import type { RecordedRequest } from "../fakes/discord/server.ts";
import { fakeUser, privateChatOf } from "../fakes/telegram/server.ts";
import { commandLines, hasLoneSurrogate, hostileReply, hostileText } from "./hostileText.ts";
import { checkDiscordMessage, checkTelegramMessage } from "./platformChecks.ts";

/**
 * A value Discord itself would let through for one option: it enforces types, choices, number
 * ranges and string lengths, so only free text can be hostile.
 */
function slashValue(meta: OptionMeta): fc.Arbitrary<string | number | boolean> {
  if (meta.choices) return fc.constantFrom(...meta.choices);
  if (meta.type === "boolean") return fc.boolean();
  if (meta.type === "integer" || meta.type === "number") {
    return fc.integer({ min: meta.min ?? -1000, max: meta.max ?? 100_000 });
  }
  const plausible = fc.constantFrom("2027-03-01", "07:30", "Asia/Kolkata", "236", "85%", "1", "plan");
  return fc
    .oneof(plausible, hostileText(60))
    .map((text) => text.slice(0, meta.maxLength ?? 6000))
    .filter((text) => text.length >= (meta.minLength ?? 0) && !hasLoneSurrogate(text));
}

/** A slash command for any registry leaf, with the options Discord would send. */
const slashCommand = fc.oneof(
  ...leavesOf(commands).map(({ path, leaf }) => {
    const metas = describeOptions(leaf.options);
    const shape = Object.fromEntries(metas.map((meta) => [meta.name, slashValue(meta)]));
    const requiredKeys = metas.filter((m) => m.required).map((m) => m.name);
    return fc.record(shape, { requiredKeys }).map((values) => {
      const options = Object.entries(values).map(([name, value]) => {
        const meta = metas.find((m) => m.name === name) as OptionMeta;
        return { name, type: optionTypeOf(meta), value } as APIApplicationCommandInteractionDataOption;
      });
      const [name = "", sub] = path.split(" ");
      const nested = sub
        ? ([{ name: sub, type: ApplicationCommandOptionType.Subcommand, options }] as typeof options)
        : options;
      return { name, options: nested };
    });
  }),
);

/** Every message body the bot sent: interaction answers, edits, follow-ups and channel posts. */
function sentMessages(requests: readonly RecordedRequest[]): Array<Record<string, unknown>> {
  return requests
    .filter((r) => r.method === "POST" || r.method === "PATCH")
    .map((r) => (r.path.endsWith("/callback") ? r.body?.data : r.body))
    .filter((body) => body && ("content" in body || "embeds" in body));
}

describe("hostile input through the real adapters, against the fake platforms", () => {
  it("GIVEN hostile slash commands and posts to a channel THEN every Discord payload allows no mentions and fits", async () => {
    const logger = recordingLogger();
    const { fake, adapter, stop } = await startBot({ logger });
    try {
      await fc.assert(
        fc.asyncProperty(
          slashCommand,
          fc.constantFrom<InteractionOptions>({ in: "dm" }, { manage: true }, { manage: false }),
          async ({ name, options }, where) => {
            await fake.runCommand(name, options, where);
          },
        ),
        { numRuns: 100 },
      );
      await fc.assert(
        fc.asyncProperty(hostileReply, async (reply) => {
          await adapter.send(`discord:${fake.world.channelId}`, reply);
        }),
        { numRuns: 50 },
      );
    } finally {
      // Waits for answers still being sent (follow-ups of long replies).
      await stop();
    }
    const bodies = sentMessages(fake.requests);
    expect(bodies.length).toBeGreaterThanOrEqual(150);
    for (const body of bodies) {
      expect(body.allowed_mentions).toEqual({ parse: [] });
      const { content, embeds } = body as { content?: string | null; embeds?: [] };
      checkDiscordMessage({ ...(typeof content === "string" ? { content } : {}), embeds: embeds ?? [] }, 20);
    }
    expect(logger.lines.filter((line) => line.level === "error")).toEqual([]);
  });

  it("GIVEN hostile lines in a private chat THEN each is answered with HTML Telegram accepts", async () => {
    const bot = await startTelegram();
    const user = fakeUser("Hostile");
    const chat = privateChatOf(user);
    // Telegram delivers valid UTF-8 of up to 4,096 characters, never an empty message.
    const { any } = commandLines(commands, ["", `@${bot.fake.bot.username}`]);
    const line = any.filter((text) => text.trim() !== "" && text.length <= 4096 && !hasLoneSurrogate(text));
    try {
      await fc.assert(
        fc.asyncProperty(line, async (text) => {
          await bot.say(user, chat, text);
        }),
        { numRuns: 100 },
      );
    } finally {
      await bot.stop();
    }
    const sent = [...bot.fake.callsOf("sendMessage"), ...bot.fake.callsOf("editMessageText")];
    // A reply with a file (/roadmap export) may be the file alone, captioned with the reply.
    const files = [...bot.fake.callsOf("sendDocument"), ...bot.fake.callsOf("sendPhoto")];
    expect(sent.length + files.length).toBeGreaterThanOrEqual(100);
    for (const call of [...sent, ...files]) {
      expect(call.payload.parse_mode).toBe("HTML");
      const text = checkTelegramMessage(String(call.payload.text ?? call.payload.caption));
      if (!("text" in call.payload)) expect(text.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    }
    expect(bot.logs.filter((entry) => entry.level === "error" || entry.level === "warn")).toEqual([]);
  });
});
