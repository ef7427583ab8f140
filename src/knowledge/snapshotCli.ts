// `node dist/src/knowledge/snapshotCli.js <knowledge folder> <out file>`: what the build runs to
// write dist/knowledge.json. A file of its own, so the bundled bot carries no command-line code.
import { KnowledgeError } from "./load.ts";
import { writeSnapshot } from "./snapshot.ts";

const [root, out] = process.argv.slice(2);
if (!root || !out) {
  process.stderr.write("usage: node dist/src/knowledge/snapshotCli.js <knowledge folder> <out file>\n");
  process.exit(2);
}
await writeSnapshot(root, out).catch((error: unknown) => {
  // A knowledge problem is told as the start would tell it: every file and what to fix, no stack.
  process.stderr.write(`${error instanceof KnowledgeError ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
