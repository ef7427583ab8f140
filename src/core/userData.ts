import type { ChatRecord, Data, Profile, Subscription, UserRecord } from "./records.ts";
import { userRecordSchema } from "./records.ts";

/**
 * Everything Stepwise keeps about one person, in one place: what /mydata shows and /forget deletes.
 * A new collection holding per-user data must be added to both functions below.
 */

/** The saved profile, or an empty one. */
export function profileOf(data: Readonly<Data>, userId: string): Profile {
  return data.users[userId]?.profile ?? { exam_dates: {} };
}

/** The user's record inside a store change, created on first use; marks it updated. */
export function recordFor(data: Data, userId: string, now: Date): UserRecord {
  const at = now.toISOString();
  const record = data.users[userId] ?? userRecordSchema.parse({ created_at: at, updated_at: at });
  record.updated_at = at;
  data.users[userId] = record;
  return record;
}

/** The keys of the user's own nudge subscriptions (private chats; group nudges belong to the group). */
const ownSubscriptions = (data: Readonly<Data>, userId: string): string[] =>
  Object.keys(data.subscriptions).filter((key) => data.subscriptions[key]?.owner === userId);

/** All stored data about the user, as /mydata returns it. */
export function personalData(
  data: Readonly<Data>,
  userId: string,
): {
  user_id: string;
  record: UserRecord | null;
  nudges: Record<string, Subscription>;
  /** Delivery state of the person's private chat (Telegram private chat ids are user ids). */
  chat: ChatRecord | null;
} {
  const nudges = Object.fromEntries(
    ownSubscriptions(data, userId).flatMap((key) => {
      const sub = data.subscriptions[key];
      return sub ? [[key, sub]] : [];
    }),
  );
  return { user_id: userId, record: data.users[userId] ?? null, nudges, chat: data.chats[userId] ?? null };
}

/** Deletes all stored data about the user; true when there was any. */
export function forgetUser(data: Data, userId: string): boolean {
  const subscriptions = ownSubscriptions(data, userId);
  const had = userId in data.users || subscriptions.length > 0 || userId in data.chats;
  delete data.users[userId];
  delete data.chats[userId];
  for (const key of subscriptions) delete data.subscriptions[key];
  return had;
}
