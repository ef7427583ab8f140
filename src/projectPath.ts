import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A file or folder of the checkout (knowledge/, the database migrations), found above this
 * module whether it runs as TypeScript from src/ or built from dist/src/.
 */
export function projectPath(relative: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
  }
  throw new Error(`${relative} not found above the program's folder: run Stepwise from its checkout.`);
}
