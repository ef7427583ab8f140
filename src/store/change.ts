import { current, enablePatches, freeze, isDraft, type Patch, produceWithPatches } from "immer";
import type { Data } from "../engine/records.ts";

enablePatches();

/** What one change touched: a whole top-level field (["version"]) or one entity (["users", id]). */
export type EntityPath = [string] | [string, string];

export interface Applied<T> {
  next: Data;
  result: T;
  touched: EntityPath[];
}

function entityOf(patch: Patch): EntityPath | undefined {
  const [field, key] = patch.path;
  if (field === undefined) return undefined;
  return key === undefined ? [String(field)] : [String(field), String(key)];
}

/**
 * Runs `change` on a draft of `state` (immer): `state` itself is never modified, so a change that
 * throws leaves everything as it was; the patches tell which entities to persist.
 */
export function applyChange<T>(state: Data, change: (draft: Data) => T): Applied<T> {
  let result: T | undefined;
  const [next, patches] = produceWithPatches(state, (draft: Data) => {
    const value = change(draft);
    // Handlers may return part of the draft; hand back a plain copy that outlives it.
    result = isDraft(value) ? (current(value as object) as T) : value;
  });
  const seen = new Map<string, EntityPath>();
  for (const patch of patches) {
    const entity = entityOf(patch);
    if (entity) seen.set(entity.join("\u0000"), entity);
  }
  return { next, result: result as T, touched: [...seen.values()] };
}

/** Makes loaded data immutable, as every later state is, so `read()` can hand it out safely. */
export const freezeData = (data: Data): Data => freeze(data, true);
