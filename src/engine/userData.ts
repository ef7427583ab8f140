import type { Data, Profile, UserRecord } from "./records.ts";
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

/** All stored data about the user, as /mydata returns it. */
export function personalData(
  data: Readonly<Data>,
  userId: string,
): { user_id: string; record: UserRecord | null } {
  return { user_id: userId, record: data.users[userId] ?? null };
}

/** Deletes all stored data about the user; true when there was any. */
export function forgetUser(data: Data, userId: string): boolean {
  const had = userId in data.users;
  delete data.users[userId];
  // Other per-user collections (e.g. nudge subscriptions) must be cleared here too when added to dataSchema.
  return had;
}
