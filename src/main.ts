import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type App, SHUTDOWN_DEADLINE_MS, startApp } from "./app.ts";
import { ConfigError, loadConfig, loadDotEnv } from "./config.ts";
import { KnowledgeError } from "./knowledge/load.ts";
import { createLogger } from "./logging.ts";
import { projectPath } from "./projectPath.ts";
import { chooseRole } from "./roles/roles.ts";
import { StoreError } from "./store/errors.ts";

/** Errors whose message already tells the operator what to fix: print it alone, no stack. */
const explained = (error: unknown): error is Error =>
  error instanceof ConfigError || error instanceof KnowledgeError || error instanceof StoreError;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      console: { type: "boolean", default: false },
      role: { type: "string", default: "all" },
    },
  });
  const config = loadConfig(loadDotEnv());
  const role = chooseRole(values.role, config);
  const useConsole = role.console && (values.console || config.platforms.length === 0);
  // Logs go to stderr so the console's stdout stays clean chat (or JSON); a terminal chat wants quiet.
  const logger = createLogger({
    level: config.LOG_LEVEL ?? (useConsole ? "warn" : "info"),
    secrets: config.platforms.map((platform) => platform.token),
  });

  const app: App = await startApp({
    config,
    logger,
    role,
    knowledgeDir: dirname(projectPath("knowledge/topics.yaml")),
    // dist/knowledge.json beside the built program; running from source there is none, and the files are read.
    knowledgeSnapshot: fileURLToPath(new URL("../knowledge.json", import.meta.url)),
    ...(useConsole
      ? {
          console: {
            input: process.stdin,
            output: process.stdout,
            json: values.json,
            interactive: Boolean(process.stdin.isTTY),
          },
        }
      : {}),
  });

  const stop = (reason: string) => {
    const deadline = setTimeout(() => {
      logger.error({ reason }, `shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app.shutdown(reason).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  await app.ended;
  stop("console closed");
}

main().catch((error: unknown) => {
  process.stderr.write(
    explained(error)
      ? `${error.message}\n`
      : `Stepwise could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
