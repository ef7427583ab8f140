// `npm run migrate-json -- <file>`: copies a data file into the database STEPWISE_DATABASE_URL names.
import { existsSync } from "node:fs";
import { StoreError } from "../errors.ts";
import { FileStore } from "../file/fileStore.ts";
import { runWithDatabase } from "./cli.ts";
import { copyDocument } from "./copyDocument.ts";
import { Database } from "./database.ts";
import { checkSchema } from "./schema.ts";

const usage = "Usage: npm run migrate-json -- data/stepwise.json";

await runWithDatabase(usage, async (url, shown) => {
  const file = process.argv[2];
  if (!file || !existsSync(file)) {
    throw new StoreError(
      `${file ? `There is no data file at ${file}.` : "Name the data file to copy."} ${usage}`,
    );
  }
  const db = new Database({ url });
  try {
    await db.connect();
    await checkSchema(db);
    // Opened as the bot opens it: locked (a bot still running on it is refused), journal replayed, migrated.
    const store = await FileStore.open(file);
    const counts = await copyDocument(db, store.read()).finally(() => store.close());
    process.stdout.write(`Copied ${file} into ${shown}:\n`);
    for (const [kind, { file: inFile, database }] of Object.entries(counts)) {
      process.stdout.write(`  ${kind}: ${inFile} in the file, ${database} in the database\n`);
    }
    const match = Object.values(counts).every(({ file: inFile, database }) => inFile === database);
    process.stdout.write(match ? "All counts match.\n" : "The counts differ: see above.\n");
    return match;
  } finally {
    await db.close();
  }
});
