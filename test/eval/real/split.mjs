// Splits questions.yaml into tuning.yaml and held-out.yaml, once, before any tuning.
//
// The split is deterministic: within each scope (in, out) the questions are ordered by
// sha256(SEED + ":" + id) and the first 35% (rounded up) go to the held-out part. Re-running
// gives the same parts, so the script can also check that nobody moved a question:
//
//   node test/eval/real/split.mjs          writes tuning.yaml and held-out.yaml
//   node test/eval/real/split.mjs --check  exits 1 if the files on disk differ from the split
//
// The split was frozen on FROZEN_ON. Relabeling (`expect`, `asks`, ...) in questions.yaml is fine
// and is carried over by re-running; adding, removing or moving questions between the parts is not.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Document, parseDocument } from "yaml";

const SEED = "stepwise-real-questions-v1";
const HELD_OUT_SHARE = 0.35;
const FROZEN_ON = "2026-11-28";
// sha256 of the held-out question list when the split was frozen (see listSha below).
const FROZEN_HELD_OUT_SHA256 = "a190cb871204f35dd19c502f33ca656d7489b811936702e0986fe04d1013609f";

const here = dirname(fileURLToPath(import.meta.url));
const source = parseDocument(readFileSync(join(here, "questions.yaml"), "utf8"));
const items = source.get("questions").items;

const rank = (id) => createHash("sha256").update(`${SEED}:${id}`).digest("hex");

const heldOutIds = new Set();
for (const scope of ["in", "out"]) {
  const stratum = items.filter((item) => item.get("scope") === scope).map((item) => item.get("id"));
  const ordered = stratum.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  for (const id of ordered.slice(0, Math.ceil(stratum.length * HELD_OUT_SHARE))) heldOutIds.add(id);
}

// The question list of a part: one "id<TAB>question" line per question, in file order. Its sha256
// does not change when labels change, only when questions are added, removed, moved or reworded.
const listSha = (part) =>
  createHash("sha256")
    .update(part.map((item) => `${item.get("id")}\t${item.get("q")}\n`).join(""))
    .digest("hex");

function render(part, header) {
  const doc = new Document({ questions: [] });
  for (const item of part) doc.get("questions").items.push(item);
  const sha = listSha(part);
  return { text: `${header(sha)}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`, sha };
}

const counts = (part) => {
  const inScope = part.filter((item) => item.get("scope") === "in").length;
  return `${part.length} questions (${inScope} in scope, ${part.length - inScope} out of scope)`;
};

const heldOut = items.filter((item) => heldOutIds.has(item.get("id")));
const tuning = items.filter((item) => !heldOutIds.has(item.get("id")));

const outputs = {
  "held-out.yaml": render(heldOut, (sha) =>
    [
      "# HELD-OUT part of the real questions (issue #10). Never tune on it: do not read its failures",
      "# while changing search, synonyms, thresholds or entries' phrasings; run it only to report.",
      `# Frozen on ${FROZEN_ON} by split.mjs (seed "${SEED}", ${HELD_OUT_SHARE * 100}% of each scope,`,
      `# chosen by sha256 of the question id): ${counts(heldOut)}.`,
      `# sha256 of its question list (one "id<TAB>q" line per question, in order): ${sha}`,
      "# Generated from questions.yaml; edit labels there and re-run split.mjs, never move questions.",
    ].join("\n"),
  ),
  "tuning.yaml": render(tuning, () =>
    [
      "# TUNING part of the real questions (issue #10): free to inspect and tune on.",
      `# Split on ${FROZEN_ON} by split.mjs (seed "${SEED}"): ${counts(tuning)}.`,
      "# Generated from questions.yaml; edit labels there and re-run split.mjs, never move questions.",
    ].join("\n"),
  ),
};

if (outputs["held-out.yaml"].sha !== FROZEN_HELD_OUT_SHA256) {
  console.error("The held-out question list changed since the split was frozen; restore questions.yaml");
  process.exit(1);
}

if (process.argv.includes("--check")) {
  let ok = true;
  for (const [name, { text }] of Object.entries(outputs)) {
    let current = "";
    try {
      current = readFileSync(join(here, name), "utf8");
    } catch {
      // A missing file counts as a difference.
    }
    if (current !== text) {
      console.error(`${name} differs from the frozen split; re-run split.mjs without --check`);
      ok = false;
    }
  }
  process.exit(ok ? 0 : 1);
}

for (const [name, { text, sha }] of Object.entries(outputs)) {
  writeFileSync(join(here, name), text);
  console.log(`${name}: sha256 ${sha}`);
}
