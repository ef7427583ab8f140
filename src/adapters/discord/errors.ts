import { DiscordAPIError, DiscordjsErrorCodes, RESTJSONErrorCodes } from "discord.js";
import { ConfigError } from "../../config.ts";
import { DeliveryError } from "../../core/errors.ts";

/** Discord errors that retrying will not cure, with the reason shown to people. */
const PERMANENT: Partial<Record<number, string>> = {
  [RESTJSONErrorCodes.UnknownChannel]: "the channel was deleted or the bot can no longer find it",
  [RESTJSONErrorCodes.MissingAccess]: "the bot no longer has access to this channel",
  [RESTJSONErrorCodes.MissingPermissions]:
    "the bot lacks permission to post here (it needs Send Messages and Embed Links)",
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser]:
    "the person does not accept direct messages from the bot",
};

/** A failed post as a DeliveryError: permanent for the errors above, transient for anything else. */
export function deliveryError(error: unknown, channelId: string): DeliveryError {
  if (error instanceof DiscordAPIError && typeof error.code === "number") {
    const reason = PERMANENT[error.code];
    if (reason) return new DeliveryError(`Discord channel ${channelId}: ${error.message}`, true, reason);
    return new DeliveryError(
      `Discord channel ${channelId}: ${error.message} (HTTP ${error.status})`,
      false,
      "Discord did not accept the message this time",
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`Discord channel ${channelId}: ${message}`, false, "Discord could not be reached");
}

const PORTAL = "https://discord.com/developers/applications";

/** Start-up errors the operator can fix, as a ConfigError saying how; anything else as it is. */
export function startError(error: unknown, guildId?: string): unknown {
  const tokenRejected =
    (error instanceof DiscordAPIError && error.status === 401) ||
    (error instanceof Error && "code" in error && error.code === DiscordjsErrorCodes.TokenInvalid);
  if (tokenRejected) {
    return new ConfigError(
      `DISCORD_TOKEN was rejected by Discord (401 Unauthorized). Open ${PORTAL}, choose your application, go to Bot, press Reset Token, and put the new token in .env as DISCORD_TOKEN.`,
    );
  }
  if (
    guildId &&
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.MissingAccess || error.code === RESTJSONErrorCodes.UnknownGuild)
  ) {
    return new ConfigError(
      `DISCORD_GUILD_ID=${guildId}: the bot cannot register commands in that server. Invite the bot there first with the invite link in README (scopes bot and applications.commands), or leave DISCORD_GUILD_ID empty to register globally.`,
    );
  }
  return error;
}
