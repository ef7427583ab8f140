import type { TestProject } from "vitest/node";
import { build, isCurrent } from "../scripts/build.mjs";
import { startTestServer } from "./postgres/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test PostgreSQL server's database: each test file works in a schema of its own there. */
    databaseUrl: string;
  }
}

/**
 * Builds dist/ once before any test when it is stale, so tests that run `npm start` never build it
 * concurrently; provides the PostgreSQL database every PostgreSQL test uses, and stops it at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!isCurrent()) build();
  const server = await startTestServer();
  project.provide("databaseUrl", server.url);
  return () => server.stop();
}
