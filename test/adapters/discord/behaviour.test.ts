import { setTimeout as sleep } from "node:timers/promises";
import {
  ApplicationCommandOptionType,
  GatewayDispatchEvents,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { slashCommand } from "../../../src/adapters/discord/register.ts";
import { LIMITS, renderReply } from "../../../src/adapters/discord/render.ts";
import { defineCommand, defineCommandGroup } from "../../../src/core/command.ts";
import { UserError } from "../../../src/core/errors.ts";
import type { Adapter } from "../../../src/core/ports.ts";
import { manage, privateOnly } from "../../../src/core/preconditions.ts";
import { paragraph, reply } from "../../../src/core/reply.ts";
import { commandInteraction } from "../../fakes/discord/payloads.ts";
import type { FakeDiscord } from "../../fakes/discord/server.ts";
import { BOOM, boom } from "../../fixtures/boom.ts";
import { recordingLogger, startBot } from "./harness.ts";

// Commands made for these tests: slow ones, one that fails, a long one, and a group with a managing subcommand.
const DEFER_AFTER_MS = 100;
const SLOW_MS = 400;
let released: () => void = () => undefined;

const longReply = reply({
  title: "Long",
  blocks: Array.from({ length: 40 }, () => paragraph("Practice questions every day. ".repeat(30))),
});

const testCommands = [
  defineCommand({
    name: "slow",
    description: "Answers after a while",
    options: z.object({}),
    async run() {
      await sleep(SLOW_MS);
      return reply({ title: "Done slowly", blocks: [paragraph("ok")] });
    },
  }),
  defineCommand({
    name: "slow_mine",
    description: "Answers with personal data after a while",
    options: z.object({}),
    preconditions: [privateOnly],
    async run() {
      await sleep(SLOW_MS);
      return reply({ title: "Your data", blocks: [paragraph("yours only")] });
    },
  }),
  defineCommand({
    name: "slow_mistake",
    description: "Finds a mistake after a while",
    options: z.object({}),
    async run(): Promise<never> {
      await sleep(SLOW_MS);
      throw new UserError("That date is in the past: give a future date.");
    },
  }),
  boom,
  defineCommand({
    name: "long",
    description: "A very long answer",
    options: z.object({}),
    run: () => longReply,
  }),
  defineCommand({
    name: "wait",
    description: "Answers when the test lets it",
    options: z.object({}),
    async run() {
      await new Promise<void>((resolve) => {
        released = resolve;
      });
      return reply({ blocks: [paragraph("released")] });
    },
  }),
  defineCommandGroup({
    name: "club",
    description: "The study club's settings",
    subcommands: [
      defineCommand({
        name: "show",
        description: "Show the club's name",
        options: z.object({}),
        run: () => reply({ blocks: [paragraph("The club is called Night Owls.")] }),
      }),
      defineCommand({
        name: "rename",
        description: "Rename the club",
        options: z.object({ name: z.string().min(2).max(40).describe("The new name") }),
        preconditions: [manage],
        run: ({ name }) => reply({ blocks: [paragraph(`Renamed to ${name}.`)] }),
      }),
    ],
  }),
];

describe("Discord adapter behaviour, against a fake Discord", () => {
  let fake: FakeDiscord;
  let adapter: Adapter;
  let stop: () => Promise<void>;
  const logger = recordingLogger();

  beforeAll(async () => {
    ({ fake, adapter, stop } = await startBot({
      logger,
      commands: testCommands,
      deferAfterMs: DEFER_AFTER_MS,
    }));
  });
  afterAll(() => stop());

  it("GIVEN a command that takes long THEN it defers first, then edits the original message", async () => {
    const { requests } = await fake.runCommand("slow");
    expect(requests.map((r) => [r.method, r.rawPath.split("/").slice(4).join("/")])).toEqual([
      ["POST", "callback"],
      ["PATCH", "messages/%40original"],
    ]);
    expect(requests[0]?.body).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: 0 },
    });
    expect(requests[1]?.body).toMatchObject({
      embeds: [{ title: "Done slowly" }],
      allowed_mentions: { parse: [] },
    });
  });

  it("GIVEN a personal command that takes long THEN even its deferral is private", async () => {
    const { requests } = await fake.runCommand("slow_mine");
    expect(requests[0]?.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(requests[1]?.body).toMatchObject({ embeds: [{ title: "Your data" }] });
  });

  it("GIVEN a slow command that ends in a mistake THEN the public placeholder goes and the error is private", async () => {
    const { requests } = await fake.runCommand("slow_mistake");
    const token = requests[0]?.path.split("/")[3] ?? "";
    const followUp = await fake.waitForRequest(
      (r) => r.method === "POST" && r.path === `/webhooks/${fake.world.applicationId}/${token}`,
    );
    expect(fake.requestsFor(token).map((r) => r.method)).toEqual(["POST", "DELETE", "POST"]);
    expect(followUp.body).toMatchObject({ flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } });
    expect(followUp.body.content).toContain("That date is in the past");
  });

  it("GIVEN a command that fails unexpectedly THEN it is logged with the interaction id, which the user sees privately", async () => {
    const { id, requests } = await fake.runCommand("boom");
    const answer = requests[0]?.body.data;
    expect(answer.flags).toBe(MessageFlags.Ephemeral);
    expect(answer.content).toContain(`reference ${id}`);
    const logged = logger.lines.find((line) => line.level === "error" && line.obj.requestId === id);
    expect(String(logged?.obj.err)).toContain(BOOM);
  });

  it("GIVEN Discord rejects an answer THEN it is logged with the interaction id and the user still gets a private reply quoting it", async () => {
    fake.failNextCallback({ status: 400, code: 50035, message: "Invalid Form Body" });
    const payload = commandInteraction(fake.world, "club", [
      { name: "show", type: ApplicationCommandOptionType.Subcommand, options: [] },
    ]);
    fake.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    const [rejected, retried] = await fake.waitForRequests(
      (r) => r.path.endsWith(`/${payload.token}/callback`),
      2,
    );
    expect(rejected?.status).toBe(400);
    expect(retried?.status).toBe(204);
    expect(retried?.body.data).toMatchObject({
      flags: MessageFlags.Ephemeral,
      allowed_mentions: { parse: [] },
    });
    expect(retried?.body.data.content).toContain(`reference ${payload.id}`);
    const logged = logger.lines.find(
      (line) => line.level === "error" && line.obj.interactionId === payload.id,
    );
    expect(String(logged?.obj.err)).toContain("Invalid Form Body");
  });

  it("GIVEN a reply longer than one message THEN it is split into follow-ups, each within Discord's limits", async () => {
    const { requests } = await fake.runCommand("long");
    const token = requests[0]?.path.split("/")[3] ?? "";
    const expected = renderReply(longReply).length;
    expect(expected).toBeGreaterThan(1);
    const followUps = await fake.waitForRequests(
      (r) => r.method === "POST" && r.path === `/webhooks/${fake.world.applicationId}/${token}`,
      expected - 1,
    );
    const messages = [requests[0]?.body.data, ...followUps.map((r) => r.body)];
    const total = messages.flatMap((m) => m.embeds).reduce((n, e) => n + (e.description?.length ?? 0), 0);
    expect(total).toBeGreaterThan(40 * 800);
    for (const message of messages) {
      expect(message.allowed_mentions).toEqual({ parse: [] });
      expect(message.embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
      let size = 0;
      for (const embed of message.embeds) {
        expect(embed.description.length).toBeLessThanOrEqual(LIMITS.embedDescription);
        size += (embed.title?.length ?? 0) + embed.description.length + (embed.footer?.text.length ?? 0);
      }
      expect(size).toBeLessThanOrEqual(LIMITS.embedTotal);
    }
  });

  it("GIVEN a group THEN its subcommands are registered as Discord subcommands, hidden from non-managers", () => {
    const group = testCommands.find((c) => c.name === "club");
    if (!group) throw new Error("the test registry has /club");
    const club = slashCommand(group);
    expect(club.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(club.options?.map((o) => [o.type, o.name])).toEqual([
      [ApplicationCommandOptionType.Subcommand, "show"],
      [ApplicationCommandOptionType.Subcommand, "rename"],
    ]);
  });

  it("GIVEN a subcommand THEN it is routed to that subcommand with its options", async () => {
    const { requests } = await fake.runCommand("club", [
      {
        name: "rename",
        type: ApplicationCommandOptionType.Subcommand,
        options: [{ name: "name", type: ApplicationCommandOptionType.String, value: "Early Birds" }],
      },
    ]);
    expect(requests[0]?.body.data.content).toBe("Renamed to Early Birds.");
  });

  it("GIVEN a member without Manage Server THEN a managing subcommand is refused privately", async () => {
    const { requests } = await fake.runCommand(
      "club",
      [
        {
          name: "rename",
          type: ApplicationCommandOptionType.Subcommand,
          options: [{ name: "name", type: ApplicationCommandOptionType.String, value: "Mine" }],
        },
      ],
      { manage: false },
    );
    expect(requests[0]?.body.data).toMatchObject({ flags: MessageFlags.Ephemeral });
    expect(requests[0]?.body.data.content).toContain("Only people who manage this group");
  });

  it("GIVEN a non-managing subcommand THEN any member may run it", async () => {
    const { requests } = await fake.runCommand(
      "club",
      [{ name: "show", type: ApplicationCommandOptionType.Subcommand, options: [] }],
      { manage: false },
    );
    expect(requests[0]?.body.data.content).toBe("The club is called Night Owls.");
  });

  it("GIVEN stop() while a command runs THEN that command is still answered, later ones are turned away, and the gateway closes", async () => {
    const running = fake.runCommand("wait");
    await sleep(50);
    const stopped = adapter.stop();
    const late = await fake.runCommand("club", [
      { name: "show", type: ApplicationCommandOptionType.Subcommand, options: [] },
    ]);
    expect(late.requests[0]?.body.data).toMatchObject({ flags: MessageFlags.Ephemeral });
    expect(late.requests[0]?.body.data.content).toContain("restarting");
    released();
    const { requests } = await running;
    const last = requests.at(-1)?.body;
    expect(last.data?.content ?? last.content).toBe("released");
    await stopped;
    await fake.waitForClose(1000);
  });
});
