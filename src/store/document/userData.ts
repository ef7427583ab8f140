import type * as z from "zod";
import type { ChatRecord, Data, Profile, UserRecord } from "../../core/records.ts";
import { chatRecordSchema, subscriptionSchema, userRecordSchema } from "../../core/records.ts";
import type { PersonalData } from "../../core/repositories.ts";

/**
 * Everything the document keeps about one person, in one place: what /mydata shows and /forget
 * deletes. A new collection holding per-user data must be added to both functions below.
 */

/** The saved profile, or an empty one. */
export function profileOf(data: Readonly<Data>, userId: string): Profile {
  return data.users[userId]?.profile ?? { exam_dates: {} };
}

/** The user's record inside a document change, created on first use; marks it updated. */
export function recordFor(data: Data, userId: string, now: Date): UserRecord {
  const at = now.toISOString();
  const record = data.users[userId] ?? userRecordSchema.parse({ created_at: at, updated_at: at });
  record.updated_at = at;
  data.users[userId] = record;
  return record;
}

/** The entries of a collection that belong to the user (their own nudges, their private chats). */
function ownedBy<T extends { owner?: string | undefined }>(
  collection: Readonly<Record<string, T>>,
  userId: string,
  schema: z.ZodType<T>,
): Record<string, T> {
  return Object.fromEntries(
    Object.entries(collection)
      .filter(([, item]) => item.owner === userId)
      .map(([key, item]) => [key, schema.parse(item)]),
  );
}

/**
 * All stored data about the user, as /mydata returns it: read through the schemas, so the fields
 * come in the same order whether the data was just written or loaded from disk.
 */
export function personalData(data: Readonly<Data>, userId: string): PersonalData {
  return {
    user_id: userId,
    record: userId in data.users ? userRecordSchema.parse(data.users[userId]) : null,
    nudges: ownedBy(data.subscriptions, userId, subscriptionSchema),
    chats: ownedBy<ChatRecord>(data.chats, userId, chatRecordSchema),
  };
}

/** Deletes all stored data about the user; true when there was any. */
export function forgetUser(data: Data, userId: string): boolean {
  const mine = personalData(data, userId);
  const had =
    mine.record !== null || Object.keys(mine.nudges).length > 0 || Object.keys(mine.chats).length > 0;
  delete data.users[userId];
  for (const key of Object.keys(mine.nudges)) delete data.subscriptions[key];
  for (const key of Object.keys(mine.chats)) delete data.chats[key];
  return had;
}
