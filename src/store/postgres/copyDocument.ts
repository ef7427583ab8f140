import type { Data } from "../../core/records.ts";
import { StoreError } from "../errors.ts";
import type { Database, Queryable } from "./database.ts";
import { rowId, saveChat, saveSubscriptions } from "./rows.ts";

/** How many records of each kind the data file holds, and how many of those the database now holds. */
export type CopyCounts = Record<
  "users" | "practice scores" | "study sessions" | "sharing choices" | "nudges" | "unreachable chats",
  {
    file: number;
    database: number;
  }
>;

const count = async (db: Queryable, sql: string, values: unknown[]): Promise<number> =>
  Number((await db.query<{ n: string }>(sql, values)).rows[0]?.n ?? 0);

/** How many of `rows` a per-person table holds, matched on its key `columns` ("user_id text, id integer"). */
function countRows(
  db: Queryable,
  table: string,
  columns: string,
  rows: ReadonlyArray<Record<string, unknown>>,
) {
  const names = columns.split(",").map((column) => column.trim().split(" ")[0] ?? "");
  const keys = rows.map((row) => Object.fromEntries(names.map((name) => [name, row[name]])));
  return count(
    db,
    `SELECT count(*) AS n FROM ${table} JOIN jsonb_to_recordset($1::jsonb) AS x(${columns}) USING (${names.join(", ")})`,
    [JSON.stringify(keys)],
  );
}

/**
 * Copies a data file's document into the database, in one transaction: each record is inserted,
 * or replaces the row with its id, so copying the same file again changes nothing.
 */
export function copyDocument(db: Database, data: Readonly<Data>): Promise<CopyCounts> {
  const users = Object.entries(data.users);
  const numbered = <T extends { id: string }>(kind: string, userId: string, items: T[]) =>
    items.map((item) => {
      const id = rowId(item.id);
      if (id === undefined) {
        throw new StoreError(`${kind} "${item.id}" of ${userId} has no numeric id; nothing was copied.`);
      }
      return { ...item, user_id: userId, id };
    });
  const scores = users.flatMap(([userId, record]) => numbered("Practice score", userId, record.scores));
  const sessions = users.flatMap(([userId, record]) => numbered("Study session", userId, record.sessions));
  const shares = users.flatMap(([userId, record]) =>
    Object.entries(record.shares).map(([address, share]) => ({ user_id: userId, address, ...share })),
  );
  const subscriptions = Object.entries(data.subscriptions);
  const chats = Object.entries(data.chats);
  return db.transaction(async (client) => {
    await client.query(
      `INSERT INTO users (id, profile, next_score_id, next_session_id, created_at, updated_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, profile jsonb, next_score_id integer,
         next_session_id integer, created_at timestamptz, updated_at timestamptz)
       ON CONFLICT (id) DO UPDATE SET profile = excluded.profile, next_score_id = excluded.next_score_id,
         next_session_id = excluded.next_session_id, created_at = excluded.created_at,
         updated_at = excluded.updated_at`,
      [
        JSON.stringify(
          users.map(([id, { scores: _scores, sessions: _sessions, shares: _shares, ...record }]) => ({
            id,
            ...record,
          })),
        ),
      ],
    );
    await client.query(
      `INSERT INTO practice_scores (user_id, id, exam, test, kind, value, date, added_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(user_id text, id integer, exam text, test text,
         kind text, value double precision, date date, added_at timestamptz)
       ON CONFLICT (user_id, id) DO UPDATE SET exam = excluded.exam, test = excluded.test,
         kind = excluded.kind, value = excluded.value, date = excluded.date, added_at = excluded.added_at`,
      [JSON.stringify(scores)],
    );
    await client.query(
      `INSERT INTO study_sessions (user_id, id, date, questions, correct, exam, note, added_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(user_id text, id integer, date date,
         questions integer, correct integer, exam text, note text, added_at timestamptz)
       ON CONFLICT (user_id, id) DO UPDATE SET date = excluded.date, questions = excluded.questions,
         correct = excluded.correct, exam = excluded.exam, note = excluded.note, added_at = excluded.added_at`,
      [JSON.stringify(sessions)],
    );
    await client.query(
      `INSERT INTO log_shares (user_id, address, since, name)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(user_id text, address text, since timestamptz, name text)
       ON CONFLICT (user_id, address) DO UPDATE SET since = excluded.since, name = excluded.name`,
      [JSON.stringify(shares)],
    );
    await saveSubscriptions(client, subscriptions);
    for (const [address, record] of chats) await saveChat(client, address, record);
    const keys = (entries: Array<[string, unknown]>) => [entries.map(([key]) => key)];
    return {
      users: {
        file: users.length,
        database: await count(client, "SELECT count(*) AS n FROM users WHERE id = ANY($1)", keys(users)),
      },
      "practice scores": {
        file: scores.length,
        database: await countRows(client, "practice_scores", "user_id text, id integer", scores),
      },
      "study sessions": {
        file: sessions.length,
        database: await countRows(client, "study_sessions", "user_id text, id integer", sessions),
      },
      "sharing choices": {
        file: shares.length,
        database: await countRows(client, "log_shares", "user_id text, address text", shares),
      },
      nudges: {
        file: subscriptions.length,
        database: await count(
          client,
          "SELECT count(*) AS n FROM subscriptions WHERE address = ANY($1)",
          keys(subscriptions),
        ),
      },
      "unreachable chats": {
        file: chats.length,
        database: await count(client, "SELECT count(*) AS n FROM chats WHERE address = ANY($1)", keys(chats)),
      },
    };
  });
}
