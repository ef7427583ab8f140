/**
 * Discord API objects as Discord sends them (API v10), with the fields discord.js reads. Shared by
 * the fake's REST answers, its gateway events and the interactions tests send.
 */
import {
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIMessage,
  type APIUser,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  PermissionFlagsBits,
} from "discord.js";
import type { UploadedFile } from "../multipart.ts";

let counter = 0n;
/** A fresh snowflake-shaped id (18 digits), unique within the test run. */
export const snowflake = (): string => (100_000_000_000_000_000n + ++counter * 4096n).toString();

export const user = (id: string, username: string, bot = false): APIUser => ({
  id,
  username,
  discriminator: "0",
  global_name: bot ? null : username,
  avatar: null,
  ...(bot ? { bot: true } : {}),
});

/** Everything a member of a study server may do; with Manage Server unless `manage` is false. */
export function memberPermissions(manage: boolean): string {
  const base =
    PermissionFlagsBits.ViewChannel |
    PermissionFlagsBits.SendMessages |
    PermissionFlagsBits.UseApplicationCommands;
  return (manage ? base | PermissionFlagsBits.ManageGuild : base).toString();
}

export interface World {
  applicationId: string;
  bot: APIUser;
  guildId: string;
  channelId: string;
  /** The DM channel between the test user and the bot. */
  dmChannelId: string;
  member: APIUser;
  /** Servers the bot is in besides the first (see FakeDiscord.addGuild). */
  otherGuilds: Guild[];
}

/** A server with its one text channel. */
export interface Guild {
  id: string;
  channelId: string;
}

export function newWorld(): World {
  return {
    applicationId: snowflake(),
    bot: user(snowflake(), "Stepwise", true),
    guildId: snowflake(),
    channelId: snowflake(),
    dmChannelId: snowflake(),
    member: user(snowflake(), "amina"),
    otherGuilds: [],
  };
}

/** Every server the bot is in, the first one first. */
export const guildsOf = (world: World): Guild[] => [
  { id: world.guildId, channelId: world.channelId },
  ...world.otherGuilds,
];

/** The shard that receives a server's events: (guild_id >> 22) % shard count, as Discord routes them. */
export const shardOf = (guildId: string, count: number): number =>
  Number((BigInt(guildId) >> 22n) % BigInt(count));

/** A fresh server id that Discord routes to `shard` of `count`. */
export function guildIdOnShard(shard: number, count: number): string {
  const high = BigInt(snowflake()) >> 22n;
  const aligned = high - (high % BigInt(count)) + BigInt(shard);
  return ((aligned << 22n) | (BigInt(snowflake()) & 0x3fffffn)).toString();
}

/** The GUILD_CREATE payload of a test server: one text channel, one role, the bot as a member. */
export function guildCreate(
  world: World,
  guild: Guild = guildsOf(world)[0] as Guild,
): Record<string, unknown> {
  return {
    id: guild.id,
    name: "IMG Study Hall",
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: world.member.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    hub_type: null,
    incidents_data: null,
    stickers: [],
    emojis: [],
    roles: [
      {
        id: guild.id,
        name: "@everyone",
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: memberPermissions(false),
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    members: [],
    channels: [
      {
        id: guild.channelId,
        type: ChannelType.GuildText,
        guild_id: guild.id,
        name: "step-2-ck",
        position: 0,
        permission_overwrites: [],
        topic: null,
        nsfw: false,
        parent_id: null,
        last_message_id: null,
        rate_limit_per_user: 0,
      },
    ],
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}

export interface InteractionOptions {
  /** Where the command is run: the server's text channel (default) or a DM with the bot. */
  in?: "guild" | "dm";
  /** Whether the member has Manage Server (servers only; default true). */
  manage?: boolean;
  /** Who runs it (default: the world's member). */
  user?: APIUser;
  /** The server it is run in (default: the world's first). */
  guild?: Guild;
}

type InteractionPayload = APIChatInputApplicationCommandInteraction & Record<string, unknown>;

/** What an interaction carries: a slash command (or its autocomplete), or a press of a bot message's button. */
type InteractionKind =
  | {
      type: InteractionType.ApplicationCommand | InteractionType.ApplicationCommandAutocomplete;
      name: string;
      options: APIApplicationCommandInteractionDataOption[];
    }
  | { type: InteractionType.MessageComponent; customId: string; message: APIMessage };

function interaction(world: World, kind: InteractionKind, where: InteractionOptions): InteractionPayload {
  const inGuild = (where.in ?? "guild") === "guild";
  const guild = where.guild ?? (guildsOf(world)[0] as Guild);
  const channelId = inGuild ? guild.channelId : world.dmChannelId;
  const member = where.user ?? world.member;
  const data =
    kind.type === InteractionType.MessageComponent
      ? { custom_id: kind.customId, component_type: ComponentType.Button }
      : {
          id: snowflake(),
          name: kind.name,
          type: ApplicationCommandType.ChatInput,
          options: kind.options,
          ...(inGuild ? { guild_id: guild.id } : {}),
        };
  const common = {
    id: snowflake(),
    application_id: world.applicationId,
    type: kind.type,
    token: `interaction-token-${snowflake()}`,
    version: 1,
    data,
    ...(kind.type === InteractionType.MessageComponent ? { message: kind.message } : {}),
    app_permissions: memberPermissions(false),
    locale: "en-US",
    entitlements: [],
    attachment_size_limit: 10_485_760,
  };
  if (!inGuild) {
    return {
      ...common,
      user: member,
      channel_id: channelId,
      channel: {
        id: channelId,
        type: ChannelType.DM,
        recipients: [member],
        last_message_id: null,
        flags: 0,
      },
      // A guild-installed app used in its own DM: the owner id is "0".
      authorizing_integration_owners: { "0": "0" },
      context: InteractionContextType.BotDM,
    } as unknown as InteractionPayload;
  }
  return {
    ...common,
    guild_id: guild.id,
    guild: { id: guild.id, locale: "en-US", features: [] },
    guild_locale: "en-US",
    channel_id: channelId,
    channel: {
      id: channelId,
      type: ChannelType.GuildText,
      guild_id: guild.id,
      name: "step-2-ck",
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      topic: null,
      flags: 0,
    },
    member: {
      user: member,
      roles: [],
      permissions: memberPermissions(where.manage ?? true),
      joined_at: new Date(0).toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
    },
    authorizing_integration_owners: { "0": guild.id },
    context: InteractionContextType.Guild,
  } as unknown as InteractionPayload;
}

/** An INTERACTION_CREATE payload for a slash command. */
export const commandInteraction = (
  world: World,
  name: string,
  options: APIApplicationCommandInteractionDataOption[] = [],
  where: InteractionOptions = {},
) => interaction(world, { type: InteractionType.ApplicationCommand, name, options }, where);

/** An INTERACTION_CREATE payload for autocomplete; one option carries `focused: true`. */
export const autocompleteInteraction = (
  world: World,
  name: string,
  options: APIApplicationCommandInteractionDataOption[],
  where: InteractionOptions = {},
) => interaction(world, { type: InteractionType.ApplicationCommandAutocomplete, name, options }, where);

/** An INTERACTION_CREATE payload for a press of a button (by its custom id) under a bot message. */
export const buttonInteraction = (
  world: World,
  customId: string,
  message: APIMessage,
  where: InteractionOptions = {},
) => interaction(world, { type: InteractionType.MessageComponent, customId, message }, where);

/** The message object Discord returns for a message the bot posted, with the files it uploaded. */
export function message(
  world: World,
  channelId: string,
  body: {
    content?: string;
    embeds?: APIMessage["embeds"];
    components?: APIMessage["components"];
    flags?: number;
    attachments?: Array<{ id: number | string; description?: string }>;
  },
  webhookId?: string,
  files: readonly UploadedFile[] = [],
): APIMessage {
  const attachments = files.map((file) => {
    const named = body.attachments?.find(({ id }) => file.field === `files[${id}]`);
    const id = snowflake();
    return {
      id,
      filename: file.filename,
      size: file.data.length,
      url: `https://cdn.discordapp.com/attachments/${channelId}/${id}/${file.filename}`,
      proxy_url: `https://media.discordapp.net/attachments/${channelId}/${id}/${file.filename}`,
      content_type: file.mime,
      ...(named?.description ? { description: named.description } : {}),
    };
  });
  return {
    id: snowflake(),
    channel_id: channelId,
    author: world.bot,
    content: body.content ?? "",
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments,
    embeds: body.embeds ?? [],
    pinned: false,
    type: 0,
    flags: body.flags ?? 0,
    components: body.components ?? [],
    ...(webhookId ? { webhook_id: webhookId, application_id: world.applicationId } : {}),
  };
}
