import { InteractionResponseType } from "discord.js";
import { commands, plainTextCommand } from "../../../commands/index.ts";
import { createDiscordAdapter } from "../../../src/adapters/discord/index.ts";
import type { CommandSpec, Services } from "../../../src/core/command.ts";
import { createCore } from "../../../src/core/handle.ts";
import type { Adapter, Logger } from "../../../src/core/ports.ts";
import { FakeDiscord, type RecordedRequest } from "../../fakes/discord/server.ts";
import { testContext } from "../../helpers.ts";

export { recordingLogger } from "../../helpers.ts";

export interface BotOptions {
  commands?: readonly CommandSpec[];
  logger?: Logger;
  deferAfterMs?: number;
  /** HELLO's heartbeat interval at the fake gateway. */
  heartbeatIntervalMs?: number;
  services?: Partial<Services>;
}

/** A fake Discord and the real adapter connected to it, over the test knowledge and a memory store. */
export async function startBot(
  options: BotOptions = {},
): Promise<{ fake: FakeDiscord; adapter: Adapter; services: Services; stop: () => Promise<void> }> {
  const fake = await FakeDiscord.start(
    options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {},
  );
  const { services } = await testContext({
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.services,
  });
  const core = createCore(services, options.commands ?? commands, { plainText: plainTextCommand });
  const adapter = createDiscordAdapter({
    token: fake.token,
    apiUrl: fake.apiUrl,
    core,
    ...(options.deferAfterMs ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  await adapter.start();
  const stop = async () => {
    await adapter.stop();
    await fake.stop();
  };
  return { fake, adapter, services, stop };
}

/** The message an interaction was answered with: the callback's data, or the edit of a deferral. */
export function answerOf(requests: RecordedRequest[]) {
  const [callback] = requests;
  if (!callback) throw new Error("no answer");
  if (callback.body.type === InteractionResponseType.ChannelMessageWithSource) {
    return { flags: callback.body.data.flags ?? 0, ...callback.body.data };
  }
  const completion = requests.find((r) => r.path.startsWith("/webhooks/") && r.method !== "DELETE");
  return { flags: callback.body.data.flags ?? 0, ...completion?.body };
}
