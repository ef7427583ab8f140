/**
 * Telegram's side of the open address: chats and users as "telegram:<id>". Only this adapter
 * writes or reads these; the core and the store treat them as opaque strings.
 */

const PREFIX = "telegram:";

export const chatAddress = (chatId: number): string => `${PREFIX}${chatId}`;
export const userAddress = (userId: number): string => `${PREFIX}${userId}`;

/** The chat id of one of our addresses, or undefined when the address is not a Telegram chat. */
export function chatIdOf(address: string): number | undefined {
  const match = /^telegram:(-?\d+)$/.exec(address);
  return match ? Number(match[1]) : undefined;
}

export const isTelegramAddress = (address: string): boolean => chatIdOf(address) !== undefined;

/**
 * The person whose private chat this is: Telegram gives a private chat the id of the user in it,
 * and groups negative ids.
 */
export const ownerOf = (chatId: number): string | undefined => (chatId > 0 ? userAddress(chatId) : undefined);
