import {
  ApplicationCommandOptionType,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../../commands/index.ts";
import { createDiscordAdapter } from "../../../src/adapters/discord/index.ts";
import { escapeText } from "../../../src/adapters/discord/render.ts";
import { ConfigError } from "../../../src/config.ts";
import { validateInput } from "../../../src/core/dispatch.ts";
import { DeliveryError } from "../../../src/core/errors.ts";
import { createCore } from "../../../src/core/handle.ts";
import type { Adapter } from "../../../src/core/ports.ts";
import { paragraph, reply } from "../../../src/core/reply.ts";
import type { FakeDiscord } from "../../fakes/discord/server.ts";
import { testContext } from "../../helpers.ts";
import { answerOf, recordingLogger, startBot } from "./harness.ts";

describe("Discord adapter with the real registry, against a fake Discord", () => {
  let fake: FakeDiscord;
  let adapter: Adapter;
  let stop: () => Promise<void>;
  const logger = recordingLogger();

  beforeAll(async () => {
    ({ fake, adapter, stop } = await startBot({ logger }));
  });
  afterAll(() => stop());

  it("GIVEN a valid token THEN it fetches the gateway with it and identifies with the Guilds intent only", () => {
    const gateway = fake.requests.find((r) => r.path === "/gateway/bot");
    expect(gateway?.authorization).toBe(`Bot ${fake.token}`);
    const identify = fake.frames.filter((f) => f.op === 2);
    expect(identify).toHaveLength(1);
    expect(identify[0]?.d).toMatchObject({
      token: fake.token,
      intents: GatewayIntentBits.Guilds,
      compress: false,
    });
  });

  it("GIVEN start-up THEN no command is registered: only `npm run register` does that", () => {
    const writes = fake.requests.filter((r) => r.path.includes("/commands") && r.method !== "GET");
    expect(writes).toEqual([]);
  });

  it("GIVEN /about in a DM with the bot THEN it is answered there", async () => {
    const { requests } = await fake.runCommand("about", [], { in: "dm" });
    expect(answerOf(requests).embeds?.[0]?.title).toBe("About Stepwise");
  });

  it("GIVEN someone typing into /ask THEN it suggests knowledge base titles and phrasings", async () => {
    const callback = await fake.autocomplete("ask", [
      {
        name: "question",
        type: ApplicationCommandOptionType.String,
        value: "step 1 pass fail",
        focused: true,
      },
    ]);
    expect(callback.body.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const choices: Array<{ name: string; value: string }> = callback.body.data.choices;
    expect(choices.map((c) => c.value)).toContain("Does Step 1 still matter now that it is pass/fail?");
    expect(choices.map((c) => c.value)).toContain(
      "Is Step 1 pass/fail important for residency applications?",
    );
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(choice.name).toBe(choice.value);
      expect(choice.name.length).toBeLessThanOrEqual(100);
    }
  });

  it("GIVEN an option value the command rejects THEN the specific error comes back privately", async () => {
    const { requests } = await fake.runCommand("ask", [
      { name: "question", type: ApplicationCommandOptionType.String, value: "  a " },
    ]);
    const ask = commands.find((c) => c.name === "ask");
    const validation = ask && "options" in ask ? validateInput(ask, { question: "  a " }) : undefined;
    expect(validation?.ok).toBe(false);
    const answer = answerOf(requests);
    expect(answer.flags).toBe(MessageFlags.Ephemeral);
    expect(answer.content).toContain(escapeText(validation && !validation.ok ? validation.message : "?"));
    expect(answer.allowed_mentions).toEqual({ parse: [] });
  });

  it("GIVEN @everyone and Markdown echoed back THEN nothing pings and the Markdown shows as typed", async () => {
    const typed = "@everyone **hello** <@&123>";
    const { requests } = await fake.runCommand("help", [
      { name: "command", type: ApplicationCommandOptionType.String, value: typed },
    ]);
    const answer = answerOf(requests);
    expect(answer.allowed_mentions).toEqual({ parse: [] });
    expect(answer.content).toContain("@everyone \\*\\*hello\\*\\*");
    expect(answer.content).not.toContain("**hello**");
  });

  it("GIVEN a command this version no longer has THEN the user is told privately which exist", async () => {
    const { requests } = await fake.runCommand("retired");
    const answer = answerOf(requests);
    expect(answer.flags).toBe(MessageFlags.Ephemeral);
    expect(answer.content).toContain("/retired is not available any more");
  });

  it("GIVEN send() to a channel THEN it posts the rendered reply with no mentions allowed", async () => {
    await adapter.send(
      `discord:${fake.world.channelId}`,
      reply({ title: "Today's tip", blocks: [paragraph("Do 40 questions.")] }),
    );
    const post = await fake.waitForRequest((r) => r.path === `/channels/${fake.world.channelId}/messages`);
    expect(post.authorization).toBe(`Bot ${fake.token}`);
    expect(post.body).toMatchObject({ allowed_mentions: { parse: [] }, embeds: [{ title: "Today's tip" }] });
  });

  it.each([
    [10003, 404, "Unknown Channel"],
    [50001, 403, "Missing Access"],
    [50013, 403, "Missing Permissions"],
  ])(
    "GIVEN Discord error %i on send() THEN it is a permanent DeliveryError",
    async (code, status, message) => {
      const channel = `${fake.world.channelId}${code}`;
      fake.failChannel(channel, { status, code, message });
      const error = await adapter
        .send(`discord:${channel}`, reply({ blocks: [paragraph("tip")] }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ permanent: true });
      expect((error as DeliveryError).reason.length).toBeGreaterThan(0);
    },
  );

  it("GIVEN an address that is not a Discord channel THEN send() refuses it for good, unsent", async () => {
    const posts = fake.requests.filter((r) => r.method === "POST").length;
    expect(adapter.owns(fake.world.channelId)).toBe(false);
    await expect(
      adapter.send(fake.world.channelId, reply({ blocks: [paragraph("tip")] })),
    ).rejects.toMatchObject({
      permanent: true,
    });
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(posts);
  });

  it("GIVEN any other Discord error on send() THEN it is a transient DeliveryError", async () => {
    const channel = `${fake.world.channelId}9`;
    fake.failChannel(channel, { status: 400, code: 50035, message: "Invalid Form Body" });
    const error = await adapter
      .send(`discord:${channel}`, reply({ blocks: [paragraph("tip")] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ permanent: false });
  });

  it("GIVEN a wrong token THEN start-up fails with a message saying how to fix it", async () => {
    const { services } = await testContext();
    const wrong = createDiscordAdapter({
      token: `wrong.${"y".repeat(60)}`,
      apiUrl: fake.apiUrl,
      core: createCore(services, commands),
    });
    const error = await wrong.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/DISCORD_TOKEN .*Reset Token/);
  });
});
