import type { Services } from "./command.ts";
import type { Data } from "./records.ts";

/**
 * Chats the bot can no longer post to, by address: one record, whoever found out (a refused reply,
 * a membership update, a scheduled nudge). Nothing is sent to them until they can be reached again.
 */

/** Why the chat cannot be reached, or undefined when it can. */
export function unreachableReason(data: Readonly<Data>, address: string): string | undefined {
  return data.chats[address]?.unreachable.reason;
}

/** Records that the chat refused for good; `owner` when it is one person's private chat. */
export async function markUnreachable(
  services: Pick<Services, "store" | "clock">,
  address: string,
  reason: string,
  owner?: string,
): Promise<void> {
  await services.store.update((data) => {
    data.chats[address] = {
      unreachable: { reason, since: services.clock.now().toISOString() },
      ...(owner === undefined ? {} : { owner }),
    };
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
  if (!(address in services.store.read().chats)) return;
  await services.store.update((data) => {
    delete data.chats[address];
  });
  services.nudges.changed(address);
}
