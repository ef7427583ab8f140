import { once } from "node:events";
import {
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type InteractionReplyOptions,
  MessageFlags,
  Options,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from "discord.js";
import { internalErrorReply } from "../../core/dispatch.ts";
import { DeliveryError } from "../../core/errors.ts";
import type { Core } from "../../core/handle.ts";
import type { Adapter } from "../../core/ports.ts";
import type { Reply } from "../../core/reply.ts";
import { channelIdOf } from "./address.ts";
import { deliveryError, startError } from "./errors.ts";
import { uploadsOf } from "./files.ts";
import { handleAutocomplete, handleChatInput, NO_MENTIONS } from "./interactions.ts";
import { renderReply } from "./render.ts";

export interface DiscordAdapterOptions {
  /** The bot token from the Developer Portal. */
  token: string;
  /** REST base without the version, e.g. a proxy; Discord's own by default. */
  apiUrl?: string | undefined;
  core: Core;
  /** How long a command may run before its reply is deferred; Discord waits 3 s for the first answer. */
  deferAfterMs?: number;
}

const STOPPING_MESSAGE = "Stepwise is restarting. Please try again in a minute.";

/**
 * The Discord adapter: slash commands in servers and DMs through discord.js. It never registers
 * the commands (`npm run register` does, see registerCli.ts).
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): Adapter {
  const { token, apiUrl, core, deferAfterMs = 1500 } = options;
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
  });
  // REST works before login too, so send() is usable as soon as the adapter exists.
  client.rest.setToken(token);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  async function handle(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) {
        await handleAutocomplete(interaction, services);
      } else if (interaction.isChatInputCommand()) {
        if (!stopping) await handleChatInput(interaction, { core, deferAfterMs });
        else
          await interaction.reply({
            content: STOPPING_MESSAGE,
            flags: MessageFlags.Ephemeral,
            allowedMentions: NO_MENTIONS,
          });
      }
    } catch (error) {
      logger.error({ err: error, interactionId: interaction.id }, "discord interaction failed");
      if (!interaction.isChatInputCommand()) return;
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
      const controller = new AbortController();
      const ready = once(client, Events.ClientReady, { signal: controller.signal });
      ready.catch(() => undefined);
      try {
        await client.login(token);
        await ready;
      } catch (error) {
        controller.abort();
        await client.destroy();
        throw startError(error);
      }
      logger.info({ user: client.user?.tag, servers: client.guilds.cache.size }, "discord adapter ready");
    },

    async stop() {
      stopping = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await client.destroy();
    },

    async send(address: string, reply: Reply) {
      const channelId = channelIdOf(address);
      if (channelId === undefined) {
        throw new DeliveryError(`"${address}" is not a Discord channel`, true, "not a Discord channel");
      }
      // client.rest queues each channel's posts within its rate-limit bucket and all requests
      // within Discord's global 50 a second (waiting out any 429), so a fan-out needs no throttle here.
      const messages = renderReply(reply);
      for (const message of messages) {
        const body: RESTPostAPIChannelMessageJSONBody = { ...message, allowed_mentions: NO_MENTIONS };
        // The files go with the last message, after the text that explains them.
        const last = message === messages.at(-1) && (reply.files?.length ?? 0) > 0;
        const uploads = last ? uploadsOf(reply.files ?? []) : undefined;
        try {
          await client.rest.post(
            Routes.channelMessages(channelId),
            uploads
              ? { body: { ...body, attachments: uploads.attachments }, files: uploads.files }
              : { body },
          );
        } catch (error) {
          throw deliveryError(error, channelId);
        }
      }
    },
  };
}
