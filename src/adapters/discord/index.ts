import { createHash } from "node:crypto";
import { once } from "node:events";
import {
  Client,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  type Interaction,
  type InteractionReplyOptions,
  MessageFlags,
  Options,
} from "discord.js";
import { ConfigError } from "../../config.ts";
import { internalErrorReply } from "../../core/dispatch.ts";
import type { Core } from "../../core/handle.ts";
import type { Adapter, Lease, Leases } from "../../core/ports.ts";
import type { Reply } from "../../core/reply.ts";
import { channelIdOf } from "./address.ts";
import { startError } from "./errors.ts";
import { handleAutocomplete, handleButton, handleChatInput, NO_MENTIONS } from "./interactions.ts";
import { postTo } from "./outbox.ts";
import { renderReply } from "./render.ts";

export interface DiscordAdapterOptions {
  /** The bot token from the Developer Portal. */
  token: string;
  /** REST base without the version, e.g. a proxy; Discord's own by default. */
  apiUrl?: string | undefined;
  core: Core;
  /** How long a command may run before its reply is deferred; Discord waits 3 s for the first answer. */
  deferAfterMs?: number;
  /** Gateway shards, all run by this process (discord.js internal sharding): a count, or Discord's recommendation. */
  shards?: number | "auto" | undefined;
  /** The gateway takes the bot's lease, so a second gateway process on the same database is refused. */
  leases?: Leases;
}

/** Why a second gateway process is refused, and what to do instead. */
export const SECOND_GATEWAY =
  "Another Stepwise process is already connected to Discord's gateway with this DISCORD_TOKEN on this database: both would receive, and answer, every command. Run one process that receives Discord (it runs every shard: DISCORD_SHARDS), and start the others with --role worker (they send nudges through REST) or --role webhook (Telegram's webhook).";

/** discord.js's shard options: every shard in this process, so a count needs its list too. */
function sharding(shards: number | "auto" | undefined): Pick<ClientOptions, "shards" | "shardCount"> {
  if (shards === undefined) return {};
  if (shards === "auto") return { shards: "auto" };
  return { shards: Array.from({ length: shards }, (_, id) => id), shardCount: shards };
}

const STOPPING_MESSAGE = "Stepwise is restarting. Please try again in a minute.";

/**
 * The Discord adapter: slash commands in servers and DMs through discord.js. It never registers
 * the commands (`npm run register` does, see registerCli.ts).
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): Adapter {
  const { token, apiUrl, core, deferAfterMs = 1500, shards, leases } = options;
  const { services } = core;
  const { logger } = services;
  const client = new Client({
    // Slash commands need no privileged intents; Guilds keeps servers and channels known.
    intents: [GatewayIntentBits.Guilds],
    // Slash commands carry what they need; caching messages, members and users would only cost memory.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      UserManager: 0,
      GuildMemberManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      VoiceStateManager: 0,
    }),
    rest: apiUrl ? { api: apiUrl } : {},
    allowedMentions: { parse: [] },
    ...sharding(shards),
  });
  // REST works before login too, so send() is usable as soon as the adapter exists.
  client.rest.setToken(token);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let lease: Lease | undefined;

  async function handle(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) {
        await handleAutocomplete(interaction, services);
      } else if (interaction.isChatInputCommand() || interaction.isButton()) {
        if (stopping)
          await interaction.reply({
            content: STOPPING_MESSAGE,
            flags: MessageFlags.Ephemeral,
            allowedMentions: NO_MENTIONS,
          });
        else if (interaction.isButton()) await handleButton(interaction, { core, deferAfterMs });
        else await handleChatInput(interaction, { core, deferAfterMs });
      }
    } catch (error) {
      logger.error({ err: error, interactionId: interaction.id }, "discord interaction failed");
      if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
      const [message] = renderReply(internalErrorReply(interaction.id));
      const answer: InteractionReplyOptions = {
        ...message,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      };
      try {
        if (interaction.deferred || interaction.replied) await interaction.followUp(answer);
        else await interaction.reply(answer);
      } catch (replyError) {
        logger.warn({ err: replyError, interactionId: interaction.id }, "discord error reply failed");
      }
    }
  }

  client.on(Events.InteractionCreate, (interaction) => {
    const task = handle(interaction);
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord client error"));
  client.on(Events.ShardError, (error, shardId) =>
    logger.warn({ err: error, shardId }, "discord gateway error"),
  );
  client.on(Events.ShardReconnecting, (shardId) => {
    if (!stopping) logger.warn({ shardId }, "discord gateway reconnecting");
  });
  client.on(Events.ShardResume, (shardId, replayed) =>
    logger.info({ shardId, replayed }, "discord gateway resumed"),
  );

  return {
    name: "discord",
    owns: (address) => channelIdOf(address) !== undefined,

    async start() {
      if (leases) {
        const digest = createHash("sha256").update(token).digest("hex").slice(0, 32);
        lease = await leases.acquire(`discord gateway ${digest}`);
        if (!lease) throw new ConfigError(SECOND_GATEWAY);
      }
      const controller = new AbortController();
      const ready = once(client, Events.ClientReady, { signal: controller.signal });
      ready.catch(() => undefined);
      try {
        await client.login(token);
        await ready;
      } catch (error) {
        controller.abort();
        await client.destroy();
        await lease?.release();
        throw startError(error);
      }
      logger.info(
        { user: client.user?.tag, servers: client.guilds.cache.size, shards: client.options.shardCount },
        "discord adapter ready",
      );
    },

    async stop() {
      stopping = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await client.destroy();
      await lease?.release();
    },

    send: (address: string, reply: Reply) => postTo(client.rest, address, reply),
  };
}
