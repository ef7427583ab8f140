import onChange from "on-change";
import type { Data } from "../../core/records.ts";

/** What one change touched: a whole top-level field (["version"]) or one entity (["users", id]). */
export type EntityPath = [string] | [string, string];

export interface Applied<T> {
  result: T;
  touched: EntityPath[];
  /** Puts back every value the change wrote, newest first. */
  undo: () => void;
}

type Node = Record<string, unknown>;

function restore(root: Node, path: readonly string[], previous: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) node = node[key] as Node;
  const last = path.at(-1) ?? "";
  if (previous === undefined) delete node[last];
  else node[last] = previous;
}

/**
 * Runs `change` on the live state through a watching proxy (on-change), recording each write with
 * its previous value. The cost is that of the writes, not of the state's size (copying 100,000
 * subscriptions per change would not be). A change that throws is undone before the error leaves.
 */
export function applyChange<T>(state: Data, change: (draft: Data) => T): Applied<T> {
  const writes: Array<{ path: string[]; previous: unknown }> = [];
  const touched = new Map<string, EntityPath>();
  const draft = onChange(
    state,
    (path: string[], _value: unknown, previous: unknown) => {
      writes.push({ path, previous });
      const entity: EntityPath = path.length === 1 ? [path[0] ?? ""] : [path[0] ?? "", path[1] ?? ""];
      touched.set(entity.join("\u0000"), entity);
    },
    { pathAsArray: true, ignoreSymbols: true },
  );
  const undo = () => {
    for (const { path, previous } of writes.toReversed()) restore(state as unknown as Node, path, previous);
  };
  try {
    const value = change(draft);
    // A copy, so the caller never holds a watched or live part of the state.
    const result =
      value !== null && typeof value === "object" ? (JSON.parse(JSON.stringify(value)) as T) : value;
    return { result, touched: [...touched.values()], undo };
  } catch (error) {
    undo();
    throw error;
  } finally {
    onChange.unsubscribe(draft);
  }
}
