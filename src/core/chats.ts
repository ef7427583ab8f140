import type { Clock, Store } from "./ports.ts";

/**
 * Chats the bot can no longer post to. Adapters record a permanent refusal (blocked, removed, chat
 * gone) so nothing keeps sending there, and clear it when the chat is heard from again.
 */

/** Why delivery to this chat stopped, or undefined when it may be tried. */
export function undeliverableReason(store: Store, chatId: string): string | undefined {
  return store.read().chats[chatId]?.undeliverable?.reason;
}

export async function markUndeliverable(
  store: Store,
  clock: Clock,
  chatId: string,
  reason: string,
): Promise<void> {
  await store.update((data) => {
    data.chats[chatId] = {
      ...data.chats[chatId],
      undeliverable: { reason, since: clock.now().toISOString() },
    };
  });
}

/** Clears the record; writes nothing when there was none, since this runs on every message. */
export async function markDeliverable(store: Store, chatId: string): Promise<void> {
  if (undeliverableReason(store, chatId) === undefined) return;
  await store.update((data) => {
    delete data.chats[chatId]?.undeliverable;
  });
}
