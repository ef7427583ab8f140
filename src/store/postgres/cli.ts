import { loadConfig, loadDotEnv } from "../../config.ts";
import { StoreError } from "../errors.ts";
import { redactedUrl } from "./database.ts";

/**
 * Runs a database command line (`npm run migrate`, `npm run migrate-json`) on the database
 * STEPWISE_DATABASE_URL names (from the environment or .env); a problem is one line, exit code 1.
 */
export async function runWithDatabase(
  usage: string,
  work: (url: string, shown: string) => Promise<boolean>,
): Promise<void> {
  try {
    const url = loadConfig(loadDotEnv()).STEPWISE_DATABASE_URL;
    if (!url)
      throw new StoreError(
        `Set STEPWISE_DATABASE_URL to the database (e.g. postgres://127.0.0.1/stepwise). ${usage}`,
      );
    process.exitCode = (await work(url, redactedUrl(url))) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
