/**
 * Discord's side of the open address: channels (server channels and DMs) and users as
 * "discord:<snowflake>". Only this adapter writes or reads these.
 */

const PREFIX = "discord:";

export const channelAddress = (channelId: string): string => `${PREFIX}${channelId}`;
export const userAddress = (userId: string): string => `${PREFIX}${userId}`;

/** The channel id of one of our addresses, or undefined when the address is not a Discord channel. */
export function channelIdOf(address: string): string | undefined {
  return /^discord:(\d+)$/.exec(address)?.[1];
}
