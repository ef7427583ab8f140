// `npm run build` (run at install too): compiles src/ and commands/ into dist/ and stamps the
// build, so `npm start` can tell a current build from a stale one without compiling.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".built");
/** What the build is made from: a change to any of these (or a file added or removed) makes it stale. */
const inputs = ["src", "commands", "knowledge", "tsconfig.json", "tsconfig.build.json", "package.json"];

/** The latest modification under a path; a folder's own time changes when files are added or removed. */
function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Whether dist/ was built after the last change to its sources. */
export function isCurrent() {
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return inputs.every((input) => newest(join(root, input)) <= built);
}

/**
 * Compiles (incrementally), writes the checked knowledge base as dist/knowledge.json (so a start
 * need not parse it), and stamps the build; the stamp is written last, so edits made meanwhile count.
 */
export function build() {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  const snapshot = join(root, "dist", "src", "knowledge", "snapshot.js");
  const knowledge = join(root, "knowledge");
  execFileSync(process.execPath, [snapshot, knowledge, join(root, "dist", "knowledge.json")], {
    stdio: "inherit",
  });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) build();
