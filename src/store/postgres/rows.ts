import {
  type ChatRecord,
  chatRecordSchema,
  type LogShare,
  logShareSchema,
  type PracticeScore,
  type Profile,
  practiceScoreSchema,
  profileSchema,
  type StudySession,
  type Subscription,
  studySessionSchema,
  subscriptionSchema,
  type UserRecord,
  userRecordSchema,
} from "../../core/records.ts";
import type { Queryable } from "./database.ts";

/**
 * Rows to records and back. Records are read through the schemas of src/core/records.ts, so they
 * have the same fields, in the same order, as those of the file backend.
 */

type Row = Record<string, unknown>;

/** The row's columns but `except`, without NULLs (an optional field that is absent). */
const present = (row: Row, ...except: string[]): Row =>
  Object.fromEntries(Object.entries(row).filter(([key, value]) => value !== null && !except.includes(key)));

export const profileFrom = (row: Row | undefined): Profile =>
  row ? profileSchema.parse(row.profile) : { exam_dates: {} };

/** A practice score: ids are integers in the table, strings in the records. */
export const scoreFrom = (row: Row): PracticeScore =>
  practiceScoreSchema.parse({ ...present(row, "user_id"), id: String(row.id) });

/** A study session: ids are integers in the table, strings in the records. */
export const sessionFrom = (row: Row): StudySession =>
  studySessionSchema.parse({ ...present(row, "user_id"), id: String(row.id) });

export const shareFrom = (row: Row): LogShare => logShareSchema.parse(present(row, "user_id", "address"));

/** What a user record holds besides the users row: their scores, sessions and sharing choices. */
export interface UserParts {
  scores: PracticeScore[];
  sessions: StudySession[];
  shares: Record<string, LogShare>;
}

export const userFrom = (row: Row, parts: UserParts): UserRecord =>
  userRecordSchema.parse({ ...present(row, "id"), ...parts });

export const subscriptionFrom = (row: Row): Subscription => subscriptionSchema.parse(present(row, "address"));

export const chatFrom = (row: Row): ChatRecord =>
  chatRecordSchema.parse({
    unreachable: { reason: row.reason, since: row.since },
    ...(row.owner === null ? {} : { owner: row.owner }),
  });

/** Score and session ids as the tables hold them; undefined for text that can be no such id. */
export const rowId = (id: string): number | undefined =>
  /^\d{1,9}$/.test(id) ? Number.parseInt(id, 10) : undefined;

const SUBSCRIPTION_COLUMNS = `address text, chat_kind text, owner text, time text, timezone text,
  exam_date date, exam text, started_day date, next_day date, next_at timestamptz,
  last_sent_day date, delivered_day date, shown_tips text[], ended_on date, match integer,
  milestones_shown jsonb, summary_day text`;
const SUBSCRIPTION_NAMES = SUBSCRIPTION_COLUMNS.split(",").map((column) => column.trim().split(" ")[0]);

/** Writes whole subscriptions (inserted or replaced) in one statement. */
export async function saveSubscriptions(
  db: Queryable,
  entries: ReadonlyArray<readonly [string, Subscription]>,
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(([address, sub]) => ({ address, ...sub }));
  const updates = SUBSCRIPTION_NAMES.filter((name) => name !== "address")
    .map((name) => `${name} = excluded.${name}`)
    .join(", ");
  await db.query(
    `INSERT INTO subscriptions (${SUBSCRIPTION_NAMES.join(", ")})
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${SUBSCRIPTION_COLUMNS})
     ON CONFLICT (address) DO UPDATE SET ${updates}`,
    [JSON.stringify(rows)],
  );
}

/** Records a chat as unreachable (inserted or replaced). */
export async function saveChat(db: Queryable, address: string, record: ChatRecord): Promise<void> {
  await db.query(
    `INSERT INTO chats (address, reason, since, owner) VALUES ($1, $2, $3, $4)
     ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, since = excluded.since, owner = excluded.owner`,
    [address, record.unreachable.reason, record.unreachable.since, record.owner ?? null],
  );
}
