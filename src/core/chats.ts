import type { Services } from "./command.ts";

/**
 * Chats the bot can no longer post to, by address: one record, whoever found out (a refused reply,
 * a membership update, a scheduled nudge). Nothing is sent to them until they can be reached again.
 */

/** Records that the chat refused for good; `owner` when it is one person's private chat. */
export async function markUnreachable(
  services: Pick<Services, "store" | "clock">,
  address: string,
  reason: string,
  owner?: string,
): Promise<void> {
  await services.store.chats.markUnreachable(address, {
    unreachable: { reason, since: services.clock.now().toISOString() },
    ...(owner === undefined ? {} : { owner }),
  });
}

/**
 * The chat can be reached again (heard from, or its nudge restarted): its nudge resumes. Writes
 * nothing when there was no record, since adapters call it on every message.
 */
export async function markReachable(
  services: Pick<Services, "store" | "nudges">,
  address: string,
): Promise<void> {
  if (await services.store.chats.markReachable(address)) services.nudges.changed(address);
}
