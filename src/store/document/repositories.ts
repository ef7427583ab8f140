import { Heap } from "heap-js";
import type * as z from "zod";
import {
  type Data,
  practiceScoreSchema,
  type Subscription,
  studySessionSchema,
  type UserRecord,
} from "../../core/records.ts";
import {
  type Backend,
  mergeProfile,
  pausedChat,
  type Repositories,
  type Settled,
} from "../../core/repositories.ts";
import type { DocumentStore } from "./store.ts";
import { forgetUser, personalData, profileOf, recordFor } from "./userData.ts";

/**
 * The repositories over one document (the memory and file backends): each method is one
 * `update`, so it is durable when it resolves. Values handed out are copies: callers never hold
 * a live part of the document.
 */

const copy = <T>(value: T): T => structuredClone(value);

interface DueEntry {
  at: number;
  key: string;
}

/**
 * Subscriptions by due time, in a heap, so claiming costs O(due × log n), not O(n). The document
 * is the truth: an entry whose subscription has since changed, ended or lost its chat is dropped
 * when it comes up; every write of a subscription (or its chat becoming reachable) adds a fresh one.
 */
class DueIndex {
  private readonly heap = new Heap<DueEntry>((a, b) => a.at - b.at);

  constructor(private readonly doc: DocumentStore) {
    for (const [key, sub] of Object.entries(doc.read().subscriptions)) this.add(key, sub);
  }

  add(key: string, sub: Subscription | undefined): void {
    if (sub && !sub.ended_on) this.heap.push({ at: Date.parse(sub.next_at), key });
  }

  /** Whether the entry still describes its subscription, which runs in a reachable chat. */
  private current({ at, key }: DueEntry): boolean {
    const data = this.doc.read();
    const sub = data.subscriptions[key];
    return sub !== undefined && !sub.ended_on && Date.parse(sub.next_at) === at && !(key in data.chats);
  }

  /** Takes out up to `limit` distinct subscriptions due by `now`, earliest first. */
  takeDue(now: number, limit: number): string[] {
    const due = new Set<string>();
    for (let top = this.heap.peek(); top && top.at <= now && due.size < limit; top = this.heap.peek()) {
      this.heap.pop();
      if (this.current(top)) due.add(top.key);
    }
    return [...due];
  }

  /** The earliest due time still current. */
  next(): number | undefined {
    for (let top = this.heap.peek(); top; top = this.heap.peek()) {
      if (this.current(top)) return top.at;
      this.heap.pop();
    }
    return undefined;
  }
}

/** Whether the subscription at `key` is due by `now` and may be sent (checked again under the update). */
function isDue(data: Readonly<Data>, key: string, now: number): boolean {
  const sub = data.subscriptions[key];
  return sub !== undefined && !sub.ended_on && Date.parse(sub.next_at) <= now && !(key in data.chats);
}

type ListField = "scores" | "sessions";
type CounterField = "next_score_id" | "next_session_id";
type Item<F extends ListField> = UserRecord[F][number];

/**
 * A per-person list in the user record whose ids count up and are never reused (practice scores,
 * study sessions): add, list in the order added, remove (erased from disk).
 */
function countedList<F extends ListField>(
  doc: DocumentStore,
  field: F,
  counter: CounterField,
  schema: z.ZodType<Item<F>>,
) {
  const items = (record: UserRecord) => record[field] as Array<Item<F>>;
  return {
    add(userId: string, item: Omit<Item<F>, "id">, now: Date): Promise<Item<F>> {
      return doc.update((data) => {
        const record = recordFor(data, userId, now);
        const saved = schema.parse({ ...item, id: String(record[counter]) });
        record[counter] += 1;
        items(record).push(saved);
        return saved;
      });
    },
    async list(userId: string): Promise<Array<Item<F>>> {
      const record = doc.read().users[userId];
      return copy(record ? items(record) : []);
    },
    remove(userId: string, id: string, now: Date): Promise<Item<F> | undefined> {
      return doc.update(
        (data) => {
          const record = data.users[userId];
          const index = record ? items(record).findIndex((item) => item.id === id) : -1;
          if (!record || index < 0) return undefined;
          const [removed] = items(record).splice(index, 1);
          record.updated_at = now.toISOString();
          return removed;
        },
        { erase: true },
      );
    },
  };
}

/** The ports of src/core/repositories.ts over a document store. */
export function documentRepositories(doc: DocumentStore): Repositories {
  const due = new DueIndex(doc);
  const chats: Repositories["chats"] = {
    async get(address) {
      return copy(doc.read().chats[address]);
    },
    async markUnreachable(address, record) {
      await doc.update((data) => {
        data.chats[address] = copy(record);
      });
    },
    async markReachable(address) {
      if (!(address in doc.read().chats)) return false;
      await doc.update((data) => {
        delete data.chats[address];
      });
      due.add(address, doc.read().subscriptions[address]);
      return true;
    },
  };
  return {
    profiles: {
      async get(userId) {
        return copy(profileOf(doc.read(), userId));
      },
      update(userId, changes, now) {
        return doc.update((data) => {
          const merged = mergeProfile(copy(profileOf(doc.read(), userId)), changes);
          recordFor(data, userId, now).profile = merged;
          return merged;
        });
      },
    },
    scores: countedList(doc, "scores", "next_score_id", practiceScoreSchema),
    studyLog: countedList(doc, "sessions", "next_session_id", studySessionSchema),
    sharing: {
      async share(userId, address, share, now) {
        await doc.update((data) => {
          recordFor(data, userId, now).shares[address] = copy(share);
        });
      },
      unshare(userId, address, now) {
        if (!(address in (doc.read().users[userId]?.shares ?? {}))) return Promise.resolve(false);
        return doc.update(
          (data) => {
            const record = recordFor(data, userId, now);
            delete record.shares[address];
            return true;
          },
          { erase: true },
        );
      },
      async members(address) {
        // A scan of every person: it runs once a week per group with a summary day, not per message.
        return Object.entries(doc.read().users)
          .flatMap(([userId, record]) => {
            const share = record.shares[address];
            return share ? [{ userId, share: copy(share) }] : [];
          })
          .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
      },
    },
    subscriptions: {
      async get(address) {
        return copy(doc.read().subscriptions[address]);
      },
      async put(address, make) {
        const saved = await doc.update((data) => {
          const next = make(copy(doc.read().subscriptions[address]));
          data.subscriptions[address] = next;
          return next;
        });
        due.add(address, saved);
        return saved;
      },
      remove(address) {
        // A private chat's nudge is personal data (its time zone, exam date): erased from disk too.
        const personal = doc.read().subscriptions[address]?.chat_kind === "private";
        return doc.update(
          (data) => {
            const existed = address in data.subscriptions;
            delete data.subscriptions[address];
            return existed;
          },
          { erase: personal },
        );
      },
    },
    chats,
    personalData: {
      async export(userId) {
        return personalData(doc.read(), userId);
      },
      erase(userId) {
        return doc.update((data) => forgetUser(data, userId), { erase: true });
      },
    },
    nudgeQueue: {
      async claimDue(now, limit, settle) {
        const keys = due.takeDue(now.getTime(), limit);
        if (keys.length === 0) return { claimed: [], examined: 0 };
        // One update for the batch: one sync for all of their days.
        const settled = await doc.update((data) => {
          const out: Array<[string, Settled]> = [];
          for (const key of keys) {
            // Changed since it was taken out (stopped, restarted, its chat found unreachable): not due now.
            if (!isDue(doc.read(), key, now.getTime())) continue;
            const outcome = settle(key, copy(doc.read().subscriptions[key] as Subscription));
            data.subscriptions[key] = outcome.next;
            out.push([key, outcome]);
          }
          return out;
        });
        for (const [key, outcome] of settled) due.add(key, outcome.next);
        const claimed = settled.flatMap(([address, { send }]) => (send ? [{ address, ...send }] : []));
        return { claimed, examined: settled.length };
      },
      async complete({ address, day }) {
        await doc.update((data) => {
          const sub = data.subscriptions[address];
          if (sub && !(sub.delivered_day !== undefined && sub.delivered_day >= day)) sub.delivered_day = day;
        });
      },
      pause: (claim, reason, now) => chats.markUnreachable(claim.address, pausedChat(claim, reason, now)),
      async nextDueAt() {
        const at = due.next();
        return at === undefined ? undefined : new Date(at);
      },
    },
  };
}

/** A backend over a document store: its repositories, and closing the store. */
export function documentBackend<D extends DocumentStore>(document: D): Backend & { document: D } {
  return { document, repositories: documentRepositories(document), close: () => document.close() };
}
