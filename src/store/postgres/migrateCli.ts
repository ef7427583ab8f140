// `npm run migrate`: brings the database STEPWISE_DATABASE_URL names up to this Stepwise's schema.
import { runWithDatabase } from "./cli.ts";
import { knownMigrations, migrateUp } from "./schema.ts";

await runWithDatabase("Usage: npm run migrate", async (url, shown) => {
  const ran = await migrateUp({ url });
  process.stdout.write(
    ran.length > 0
      ? `Migrated ${shown}: applied ${ran.join(", ")}.\n`
      : `${shown} is up to date (${knownMigrations().length} migrations).\n`,
  );
  return true;
});
