import type { Logger } from "../core/ports.ts";
import type { Backend } from "../core/repositories.ts";
import { openFileBackend } from "./file/fileStore.ts";

export interface StoreSettings {
  STEPWISE_DATA: string;
  STEPWISE_DATABASE_URL?: string | undefined;
}

/** The backend the settings choose: PostgreSQL when STEPWISE_DATABASE_URL is set, else the data file. */
export async function openBackend(settings: StoreSettings, logger: Logger): Promise<Backend> {
  if (settings.STEPWISE_DATABASE_URL) {
    // Loaded only here: a bot on its data file never loads the PostgreSQL driver.
    const { openPostgresBackend } = await import("./postgres/backend.ts");
    return openPostgresBackend({ url: settings.STEPWISE_DATABASE_URL });
  }
  return openFileBackend(settings.STEPWISE_DATA, { logger });
}
