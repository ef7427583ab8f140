import { GatewayDispatchEvents, GatewayOpcodes } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { commands, plainTextCommand } from "../../../commands/index.ts";
import { createDiscordAdapter } from "../../../src/adapters/discord/index.ts";
import { discord } from "../../../src/adapters/discord/platform.ts";
import { createCore } from "../../../src/core/handle.ts";
import { type Adapter, soleProcess } from "../../../src/core/ports.ts";
import { inMemory } from "../../../src/limits/limiters.ts";
import { FakeDiscord } from "../../fakes/discord/server.ts";
import { testContext } from "../../helpers.ts";

/**
 * Discord's gateway in shards (discord.js internal sharding, DISCORD_SHARDS): every shard runs in
 * the one process that receives Discord, each gets the servers Discord routes to it, and each
 * server's commands arrive on, and are answered through, its own shard.
 */

let fake: FakeDiscord;
let adapter: Adapter | undefined;

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake.stop();
});

const core = async () =>
  createCore((await testContext()).services, commands, { plainText: plainTextCommand });

/** The shards the client identified as, in order of their ids. */
const identified = () =>
  fake.frames
    .filter((frame) => frame.op === GatewayOpcodes.Identify)
    .map((frame) => frame.d.shard as [number, number])
    .sort(([a], [b]) => a - b);

/** The shard that carried each command dispatched so far. */
const commandShards = () =>
  fake.dispatched.filter((d) => d.t === GatewayDispatchEvents.InteractionCreate).map((d) => d.shard);

describe("Discord shards", () => {
  it("GIVEN DISCORD_SHARDS=auto and Discord recommending 2 THEN two shards identify as [0, 2] and [1, 2], and a command in a server of each shard arrives on that shard and is answered", async () => {
    fake = await FakeDiscord.start({ recommendedShards: 2, maxConcurrency: 2 });
    const onFirst = fake.addGuild(0, 2);
    const onSecond = fake.addGuild(1, 2);
    adapter = createDiscordAdapter({
      token: fake.token,
      apiUrl: fake.apiUrl,
      core: await core(),
      shards: "auto",
    });
    await adapter.start();

    expect(identified()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const first = await fake.runCommand("about", [], { guild: onFirst });
    const second = await fake.runCommand("about", [], { guild: onSecond });
    expect(commandShards()).toEqual([0, 1]);
    for (const { requests } of [first, second]) {
      expect(requests[0]?.path).toMatch(/\/callback$/);
      expect(requests[0]?.body.data.embeds[0].title).toBe("About Stepwise");
    }
  });

  it("GIVEN DISCORD_SHARDS=3 in the environment THEN three shards run whatever Discord recommends, each answering its own servers", async () => {
    fake = await FakeDiscord.start({ recommendedShards: 1, maxConcurrency: 3 });
    const guilds = [fake.addGuild(2, 3), fake.addGuild(0, 3), fake.addGuild(1, 3)];
    const configured = discord.configure({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_SHARDS: "3",
    });
    if (!configured.ok) throw new Error(configured.issues.join("; "));
    adapter = await configured.create(await core(), {
      logger: (await testContext()).services.logger,
      leases: soleProcess,
      limiters: inMemory,
    });
    await adapter.start();

    expect(identified()).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    for (const guild of guilds) {
      const { requests } = await fake.runCommand("about", [], { guild });
      expect(requests[0]?.body.data.embeds[0].title).toBe("About Stepwise");
    }
    expect(commandShards()).toEqual([2, 0, 1]);
  });
});
