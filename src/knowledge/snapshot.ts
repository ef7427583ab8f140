import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KnowledgeData } from "../engine/knowledge/knowledge.ts";
import { loadKnowledge } from "./load.ts";

/**
 * The checked knowledge base as JSON, written by the build (dist/knowledge.json), so a start
 * skips parsing and checking every file. It is used only while no file under knowledge/ is newer;
 * otherwise the files are read and checked as always, and the snapshot waits for the next build.
 */

/** The latest change under a path; a folder's own time changes when files are added or removed. */
function latestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, latestChange(join(path, entry)));
  return latest;
}

/** The knowledge base from the snapshot when it is current, else from the files. */
export async function loadKnowledgeQuickly(root: string, snapshot: string): Promise<KnowledgeData> {
  if (existsSync(snapshot) && statSync(snapshot).mtimeMs >= latestChange(root)) {
    return JSON.parse(readFileSync(snapshot, "utf8")) as KnowledgeData;
  }
  return loadKnowledge(root);
}

/** Reads and checks knowledge/ and writes the snapshot (the build runs this). */
export async function writeSnapshot(root: string, snapshot: string): Promise<void> {
  writeFileSync(snapshot, JSON.stringify(await loadKnowledge(root)));
}
