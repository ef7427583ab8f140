import { GatewayOpcodes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeDiscord } from "../../fakes/discord/server.ts";
import { recordingLogger, startBot } from "./harness.ts";

describe("Discord gateway connection, against a fake Discord", () => {
  let fake: FakeDiscord;
  let stop: () => Promise<void>;
  const logger = recordingLogger();

  beforeAll(async () => {
    // A short heartbeat so a missing acknowledgement shows within a second.
    ({ fake, stop } = await startBot({ logger, heartbeatIntervalMs: 250 }));
  });
  afterAll(() => stop());

  it("GIVEN a zombie connection (heartbeats no longer acknowledged) THEN the client resumes its session and keeps answering", async () => {
    await fake.waitForFrame((f) => f.op === GatewayOpcodes.Heartbeat);
    fake.ackHeartbeats = false;

    const resume = await fake.waitForFrame((f) => f.op === GatewayOpcodes.Resume, 10_000);
    fake.ackHeartbeats = true;
    // One session: the client resumed on the resume URL READY gave instead of identifying again.
    expect(fake.frames.filter((f) => f.op === GatewayOpcodes.Identify)).toHaveLength(1);
    expect(resume.d).toMatchObject({ token: fake.token });
    expect(resume.d.seq).toBeGreaterThanOrEqual(2);
    expect(fake.closes).toContain(4200);
    expect(fake.connections).toEqual(["/?v=10&encoding=json", "/resume?v=10&encoding=json"]);

    const { requests } = await fake.runCommand("about");
    expect(requests[0]?.body.data.embeds[0].title).toBe("About Stepwise");
    expect(logger.lines.some((line) => line.msg === "discord gateway resumed")).toBe(true);
  });
});
