import { DATA_VERSION } from "../../core/records.ts";

/**
 * Brings a data file written by an older Stepwise up to DATA_VERSION, in place, one version at a
 * time; the result is then validated like any file. Each step takes the file as that version
 * wrote it, so a step never changes once released.
 */

type Json = Record<string, unknown>;
type Step = (data: Json) => void;

const objectAt = (data: Json, key: string): Record<string, Json> => (data[key] ?? {}) as Record<string, Json>;

/**
 * 1 -> 2: platforms are open, so subscriptions lose `platform` and `chat_id` (their key is the
 * chat's address); "cannot deliver" was two records (`chats[].undeliverable` and
 * `subscriptions[].paused`) and is now one (`chats[].unreachable`), owned by the person when it is
 * their private chat (in version 1 a private chat's key was its user's id); `meta` held only a
 * registration hash that registration no longer uses.
 */
const toVersion2: Step = (data) => {
  const users = objectAt(data, "users");
  const chats: Record<string, Json> = {};
  for (const [address, chat] of Object.entries(objectAt(data, "chats"))) {
    if (!chat.undeliverable) continue;
    chats[address] = { unreachable: chat.undeliverable, ...(address in users ? { owner: address } : {}) };
  }
  const subscriptions = objectAt(data, "subscriptions");
  for (const [address, sub] of Object.entries(subscriptions)) {
    const { platform: _platform, chat_id: _chatId, paused, ...kept } = sub;
    subscriptions[address] = kept;
    if (paused && !chats[address]) {
      chats[address] = { unreachable: paused, ...(kept.owner === undefined ? {} : { owner: kept.owner }) };
    }
  }
  data.chats = chats;
  delete data.meta;
};

/**
 * 2 -> 3: profiles may name a Match (`match`) and subscriptions follow one (`match`,
 * `milestones_shown`); user records gain the study log and sharing choices, which start empty.
 * All are optional or default, so a version 2 file needs no change. The version still moves, so
 * that an older Stepwise refuses the file instead of dropping the fields.
 */
const toVersion3: Step = () => undefined;

/** The step from each version to the next. */
const STEPS: Readonly<Record<number, Step>> = { 1: toVersion2, 2: toVersion3 };

/** Migrates `data` in place; returns the version it had, or undefined when it was current already. */
export function migrate(data: Json): number | undefined {
  const from = data.version;
  if (typeof from !== "number" || from >= DATA_VERSION) return undefined;
  for (let version = from; version < DATA_VERSION; version++) {
    const step = STEPS[version];
    if (!step) return undefined;
    step(data);
    data.version = version + 1;
  }
  return from;
}
