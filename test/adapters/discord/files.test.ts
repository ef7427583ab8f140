import { setTimeout as sleep } from "node:timers/promises";
import { InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { defineCommand } from "../../../src/core/command.ts";
import type { Adapter } from "../../../src/core/ports.ts";
import { privateOnly } from "../../../src/core/preconditions.ts";
import { paragraph, reply } from "../../../src/core/reply.ts";
import type { FakeDiscord } from "../../fakes/discord/server.ts";
import { SAMPLE_FILES } from "../../fixtures/attach.ts";
import { startBot } from "./harness.ts";

const DEFER_AFTER_MS = 50;

/** A personal reply with both files that takes longer than the deferral. */
const slowFiles = defineCommand({
  name: "slow_files",
  description: "Answers with files after a while",
  options: z.object({}),
  preconditions: [privateOnly],
  async run() {
    await sleep(DEFER_AFTER_MS * 4);
    return reply({ title: "Your files", blocks: [paragraph("Here they are.")], files: SAMPLE_FILES });
  },
});

let fake: FakeDiscord;
let adapter: Adapter;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ fake, adapter, stop } = await startBot({ commands: [slowFiles], deferAfterMs: DEFER_AFTER_MS }));
});
afterAll(() => stop());

describe("Discord adapter: files", () => {
  it("GIVEN a personal answer with files that was deferred THEN the edit uploads them, described, and stays ephemeral", async () => {
    const { requests } = await fake.runCommand("slow_files");
    const [callback] = requests;
    expect(callback?.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    const edit = requests.find((r) => r.method === "PATCH");
    expect(edit?.files.map((f) => f.filename)).toEqual(["sample-calendar.ics", "sample-chart.png"]);
    expect(edit?.files[1]?.data.equals(Buffer.from(SAMPLE_FILES[1]?.data ?? []))).toBe(true);
    expect(edit?.body.attachments).toEqual([
      expect.objectContaining({ description: "A sample calendar with no events" }),
      expect.objectContaining({ description: "A sample chart of one pixel" }),
    ]);
  });

  it("GIVEN a scheduled post with a file THEN send() uploads it with the message, named and described", async () => {
    await adapter.send(
      `discord:${fake.world.channelId}`,
      reply({ title: "Milestone", blocks: [paragraph("ERAS opens soon.")], files: SAMPLE_FILES.slice(0, 1) }),
    );
    const post = await fake.waitForRequest(
      (r) => r.path === `/channels/${fake.world.channelId}/messages` && r.files.length > 0,
    );
    expect(post.status).toBe(200);
    expect(post.files).toMatchObject([{ field: "files[0]", filename: "sample-calendar.ics" }]);
    expect(post.body).toMatchObject({
      embeds: [{ title: "Milestone" }],
      attachments: [
        { id: 0, filename: "sample-calendar.ics", description: "A sample calendar with no events" },
      ],
      allowed_mentions: { parse: [] },
    });
  });
});
