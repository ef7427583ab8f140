import { type ClaimedNudge, pausedChat, type Repositories, type Settled } from "../../core/repositories.ts";
import { COMMANDS_LIMITER } from "../../limits/rateLimit.ts";
import type { Database, Queryable } from "./database.ts";
import { RATE_LIMITS_TABLE } from "./rateLimits.ts";
import {
  chatFrom,
  profileFrom,
  rowId,
  saveChat,
  saveSubscriptions,
  scoreFrom,
  sessionFrom,
  shareFrom,
  subscriptionFrom,
  userFrom,
} from "./rows.ts";

const SCORE_COLUMNS =
  "exam text, test text, kind text, value double precision, date date, added_at timestamptz";
const SESSION_COLUMNS =
  "date date, questions integer, correct integer, exam text, note text, added_at timestamptz";

/**
 * A per-person table whose ids count up in a users column and are never reused (practice scores,
 * study sessions): add, list in the order added, remove. `columns` are the item's, typed, in order.
 */
function countedTable<T extends { id: string }>(
  db: Database,
  table: "practice_scores" | "study_sessions",
  counter: "next_score_id" | "next_session_id",
  columns: string,
  from: (row: Record<string, unknown>) => T,
) {
  const names = columns.split(",").map((column) => column.trim().split(" ")[0]);
  return {
    async add(userId: string, item: Omit<T, "id">, now: Date): Promise<T> {
      // Taking the id and saving the item is one statement: two adds at once get two ids.
      const { rows } = await db.query(
        `WITH counter AS (
           INSERT INTO users (id, ${counter}, created_at, updated_at) VALUES ($1, 2, $2, $2)
           ON CONFLICT (id) DO UPDATE SET ${counter} = users.${counter} + 1, updated_at = excluded.updated_at
           RETURNING ${counter} - 1 AS id)
         INSERT INTO ${table} (user_id, id, ${names.join(", ")})
           SELECT $1, counter.id, x.* FROM counter, jsonb_to_record($3::jsonb) AS x(${columns})
         RETURNING *`,
        [userId, now.toISOString(), JSON.stringify(item)],
      );
      return from(rows[0] as Record<string, unknown>);
    },
    async list(userId: string): Promise<T[]> {
      const { rows } = await db.query(`SELECT * FROM ${table} WHERE user_id = $1 ORDER BY id`, [userId]);
      return rows.map(from);
    },
    async remove(userId: string, id: string, now: Date): Promise<T | undefined> {
      const number = rowId(id);
      if (number === undefined) return undefined;
      const { rows } = await db.query(
        `WITH removed AS (DELETE FROM ${table} WHERE user_id = $1 AND id = $2 RETURNING *),
           touched AS (UPDATE users SET updated_at = $3 WHERE id = $1 AND EXISTS (SELECT 1 FROM removed))
         SELECT * FROM removed`,
        [userId, number, now.toISOString()],
      );
      return rows[0] ? from(rows[0]) : undefined;
    },
  };
}

/**
 * The ports of src/core/repositories.ts on PostgreSQL. Each method is one statement or one
 * transaction, committed (and so durable, see Database) when it resolves; several processes may
 * share the database.
 */

async function exportUser(db: Queryable, userId: string) {
  // One after another: a transaction's connection runs one statement at a time.
  const user = await db.query(
    "SELECT profile, next_score_id, next_session_id, created_at, updated_at FROM users WHERE id = $1",
    [userId],
  );
  const scores = await db.query("SELECT * FROM practice_scores WHERE user_id = $1 ORDER BY id", [userId]);
  const sessions = await db.query("SELECT * FROM study_sessions WHERE user_id = $1 ORDER BY id", [userId]);
  const shares = await db.query("SELECT * FROM log_shares WHERE user_id = $1 ORDER BY address", [userId]);
  const nudges = await db.query("SELECT * FROM subscriptions WHERE owner = $1 ORDER BY address", [userId]);
  const chats = await db.query("SELECT * FROM chats WHERE owner = $1 ORDER BY address", [userId]);
  const [row] = user.rows;
  return {
    user_id: userId,
    record: row
      ? userFrom(row, {
          scores: scores.rows.map(scoreFrom),
          sessions: sessions.rows.map(sessionFrom),
          shares: Object.fromEntries(shares.rows.map((r) => [r.address as string, shareFrom(r)])),
        })
      : null,
    nudges: Object.fromEntries(nudges.rows.map((r) => [r.address as string, subscriptionFrom(r)])),
    chats: Object.fromEntries(chats.rows.map((r) => [r.address as string, chatFrom(r)])),
  };
}

export function postgresRepositories(db: Database): Repositories {
  const chats: Repositories["chats"] = {
    async get(address) {
      const { rows } = await db.query("SELECT * FROM chats WHERE address = $1", [address]);
      return rows[0] ? chatFrom(rows[0]) : undefined;
    },
    markUnreachable: (address, record) => saveChat(db, address, record),
    async markReachable(address) {
      const { rowCount } = await db.query("DELETE FROM chats WHERE address = $1", [address]);
      return (rowCount ?? 0) > 0;
    },
  };
  return {
    profiles: {
      async get(userId) {
        const { rows } = await db.query("SELECT profile FROM users WHERE id = $1", [userId]);
        return profileFrom(rows[0]);
      },
      async update(userId, changes, now) {
        // One statement: given fields replace, exam dates merge date by date (mergeProfile's rule).
        const { exam_dates: dates = {}, ...fields } = changes;
        const { rows } = await db.query(
          `INSERT INTO users (id, profile, created_at, updated_at)
             VALUES ($1, $2::jsonb || jsonb_build_object('exam_dates', $3::jsonb), $4, $4)
           ON CONFLICT (id) DO UPDATE SET
             profile = users.profile || $2::jsonb || jsonb_build_object('exam_dates',
               coalesce(users.profile -> 'exam_dates', '{}'::jsonb) || $3::jsonb),
             updated_at = excluded.updated_at
           RETURNING profile`,
          [userId, JSON.stringify(fields), JSON.stringify(dates), now.toISOString()],
        );
        return profileFrom(rows[0]);
      },
    },
    scores: countedTable(db, "practice_scores", "next_score_id", SCORE_COLUMNS, scoreFrom),
    studyLog: countedTable(db, "study_sessions", "next_session_id", SESSION_COLUMNS, sessionFrom),
    sharing: {
      async share(userId, address, share, now) {
        await db.query(
          `WITH person AS (
             INSERT INTO users (id, created_at, updated_at) VALUES ($1, $3, $3)
             ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id)
           INSERT INTO log_shares (user_id, address, since, name) SELECT person.id, $2, $4, $5 FROM person
           ON CONFLICT (user_id, address) DO UPDATE SET since = excluded.since, name = excluded.name`,
          [userId, address, now.toISOString(), share.since, share.name ?? null],
        );
      },
      async unshare(userId, address, now) {
        const { rows } = await db.query(
          `WITH removed AS (DELETE FROM log_shares WHERE user_id = $1 AND address = $2 RETURNING 1),
             touched AS (UPDATE users SET updated_at = $3 WHERE id = $1 AND EXISTS (SELECT 1 FROM removed))
           SELECT count(*) AS n FROM removed`,
          [userId, address, now.toISOString()],
        );
        return Number(rows[0]?.n ?? 0) > 0;
      },
      async members(address) {
        const { rows } = await db.query(
          'SELECT * FROM log_shares WHERE address = $1 ORDER BY user_id COLLATE "C"',
          [address],
        );
        return rows.map((row) => ({ userId: row.user_id as string, share: shareFrom(row) }));
      },
    },
    subscriptions: {
      async get(address) {
        const { rows } = await db.query("SELECT * FROM subscriptions WHERE address = $1", [address]);
        return rows[0] ? subscriptionFrom(rows[0]) : undefined;
      },
      put(address, make) {
        return db.transaction(async (client) => {
          // Locks the row: a claim under way commits first, and `previous` shows its day.
          const { rows } = await client.query("SELECT * FROM subscriptions WHERE address = $1 FOR UPDATE", [
            address,
          ]);
          const next = make(rows[0] ? subscriptionFrom(rows[0]) : undefined);
          await saveSubscriptions(client, [[address, next]]);
          return next;
        });
      },
      async remove(address) {
        const { rowCount } = await db.query("DELETE FROM subscriptions WHERE address = $1", [address]);
        return (rowCount ?? 0) > 0;
      },
    },
    chats,
    personalData: {
      // One snapshot of every table, so the export is consistent even while the person types.
      export: (userId) =>
        db.transaction(
          (client) => exportUser(client, userId),
          "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        ),
      erase(userId) {
        return db.transaction(async (client) => {
          const deleted = [
            // Their practice scores, sessions and sharing choices go with the row (ON DELETE CASCADE).
            await client.query("DELETE FROM users WHERE id = $1", [userId]),
            await client.query("DELETE FROM subscriptions WHERE owner = $1", [userId]),
            await client.query("DELETE FROM chats WHERE owner = $1", [userId]),
          ];
          // The count of their recent commands is keyed by their id: gone too (nothing /mydata shows).
          await client.query(`DELETE FROM ${RATE_LIMITS_TABLE} WHERE key = $1`, [
            `${COMMANDS_LIMITER}:${userId}`,
          ]);
          return deleted.some((result) => (result.rowCount ?? 0) > 0);
        });
      },
    },
    nudgeQueue: {
      claimDue(now, limit, settle) {
        return db.transaction(async (client) => {
          // SKIP LOCKED: rows another process holds are left to it, so each is claimed exactly once.
          const { rows } = await client.query(
            `SELECT * FROM subscriptions s
             WHERE s.ended_on IS NULL AND s.next_at <= $1
               AND NOT EXISTS (SELECT 1 FROM chats c WHERE c.address = s.address)
             ORDER BY s.next_at LIMIT $2
             FOR UPDATE OF s SKIP LOCKED`,
            [now.toISOString(), limit],
          );
          const settled: Array<[string, Settled]> = rows.map((row) => {
            const address = row.address as string;
            return [address, settle(address, subscriptionFrom(row))];
          });
          await saveSubscriptions(
            client,
            settled.map(([address, outcome]) => [address, outcome.next] as const),
          );
          const claimed: ClaimedNudge[] = settled.flatMap(([address, { send }]) =>
            send ? [{ address, ...send }] : [],
          );
          return { claimed, examined: settled.length };
        });
      },
      async complete({ address, day }) {
        await db.query(
          `UPDATE subscriptions SET delivered_day = $2
           WHERE address = $1 AND (delivered_day IS NULL OR delivered_day < $2)`,
          [address, day],
        );
      },
      pause: (claim, reason, now) => chats.markUnreachable(claim.address, pausedChat(claim, reason, now)),
      async nextDueAt() {
        const { rows } = await db.query<{ at: string | null }>(
          "SELECT min(next_at) AS at FROM subscriptions WHERE ended_on IS NULL",
        );
        const at = rows[0]?.at;
        return at ? new Date(at) : undefined;
      },
    },
  };
}
