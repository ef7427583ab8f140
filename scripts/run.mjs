// `node scripts/run.mjs dist/<program>.js [args]`: what `npm start` and `npm run register` run.
// Starts the program from dist/ at once when the build is current, and builds it first when not.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, isCurrent } from "./build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [program] = process.argv.splice(2, 1);
if (!program) {
  process.stderr.write("usage: node scripts/run.mjs dist/<program>.js [args]\n");
  process.exit(2);
}
if (!isCurrent()) {
  try {
    build();
  } catch {
    // The compiler or the knowledge check has printed what is wrong.
    process.exit(1);
  }
}
await import(pathToFileURL(join(root, program)).href);
