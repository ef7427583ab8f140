// `npm run build` (run at install too): compiles src/ and commands/ into dist/, bundles the bot
// that `npm start` runs, and stamps the build, so `npm start` can tell a current build from a
// stale one without compiling.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".built");
/** What the build is made from: a change to any of these (or a file added or removed) makes it stale. */
const inputs = [
  "src",
  "commands",
  "knowledge",
  "scripts",
  "tsconfig.json",
  "tsconfig.build.json",
  "package.json",
];

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
 * What `npm start` runs (package.json names it too): the bot as one bundle, with its lazily loaded
 * parts as chunks beside it. Tests that start the program use this.
 */
export const PROGRAM = join("dist", "bundle", "main.js");

/**
 * Packages bundled with our code: ES modules without CommonJS or native parts. A running bot keeps
 * every module's source text and records in memory, and zod alone is about a hundred files; the
 * bundle (with zod imported as a namespace, so unused parts are left out) holds about 5 MB less. The platform clients, the database driver and the CommonJS
 * packages stay in node_modules, loaded as they are.
 */
const BUNDLED = new Set(["zod", "minisearch", "on-change", "lowdb", "stemmer", "p-retry"]);

/** Bundles dist/src/main.js (already compiled and type-checked) into dist/bundle/. */
function bundle() {
  const { dependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const external = Object.keys(dependencies)
    .filter((name) => !BUNDLED.has(name))
    .flatMap((name) => [name, `${name}/*`]);
  const outdir = join(root, dirname(PROGRAM));
  rmSync(outdir, { recursive: true, force: true });
  // Loaded here: `npm start` imports this file to check the build, and a current build needs no bundler.
  const { buildSync } = createRequire(import.meta.url)("esbuild");
  buildSync({
    entryPoints: [join(root, "dist", "src", "main.js")],
    outdir,
    bundle: true,
    // Dynamic imports (the adapters, PostgreSQL, the nudge clock) stay separate, loaded when used.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    // Whitespace and syntax only: names stay, so stack traces still say which function failed.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
  });
}

/**
 * Compiles (incrementally), writes the checked knowledge base as dist/knowledge.json (so a start
 * need not parse it), bundles the bot, and stamps the build; the stamp is written last, so edits
 * made meanwhile count.
 */
export function build() {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  const snapshot = join(root, "dist", "src", "knowledge", "snapshotCli.js");
  const knowledge = join(root, "knowledge");
  execFileSync(process.execPath, [snapshot, knowledge, join(root, "dist", "knowledge.json")], {
    stdio: "inherit",
  });
  bundle();
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) build();
