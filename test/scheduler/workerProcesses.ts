import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { PROGRAM } from "../../scripts/build.mjs";
import type { Subscription } from "../../src/core/records.ts";
import { projectPath } from "../../src/projectPath.ts";
import { openPostgresBackend } from "../../src/store/postgres/backend.ts";

/**
 * Worker processes as an operator runs them (`npm start -- --role worker`, here `node
 * dist/bundle/main.js --role worker` to skip npm's own start-up) against one PostgreSQL database, for
 * the exactly-once tests and the bench.
 */

/** The current minute (or today's first, just after midnight UTC): a nudge at that time is due now, on time. */
export function dueMinute(now = Date.now()): Date {
  const minute = Math.floor(now / 60_000) * 60_000;
  const midnight = Math.floor(now / 86_400_000) * 86_400_000;
  return new Date(Math.max(minute - 60_000, midnight));
}

/** A group's subscription as /nudge start stores it, due at `at` (UTC). */
export function groupDueAt(at: Date): Subscription {
  const day = at.toISOString().slice(0, 10);
  return {
    chat_kind: "group",
    time: at.toISOString().slice(11, 16),
    timezone: "UTC",
    exam: "step2ck",
    exam_date: "2027-05-01",
    started_day: day,
    next_day: day,
    next_at: at.toISOString(),
    shown_tips: [],
  };
}

/** Subscribes every address, all due at `at`. */
export async function subscribeAll(url: string, addresses: readonly string[], at: Date): Promise<void> {
  const backend = await openPostgresBackend({ url });
  try {
    const subscription = groupDueAt(at);
    for (let i = 0; i < addresses.length; i += 50) {
      await Promise.all(
        addresses
          .slice(i, i + 50)
          .map((address) => backend.repositories.subscriptions.put(address, () => subscription)),
      );
    }
  } finally {
    await backend.close();
  }
}

/** One `--role worker` process; its log lines (JSON on stderr) are kept. */
export class WorkerProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [projectPath(PROGRAM), "--role", "worker"], {
      cwd: projectPath("."),
      env: { ...process.env, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let partial = "";
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      this.lines.push(...parts);
    });
    this.exited = once(this.child, "exit").then(([code]) => code as number | null);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once it has logged "ready"; rejects if it exits first. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.some((line) => line.includes('"msg":"ready"'))) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the worker did not start:\n${this.lines.join("\n")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends a signal to this process alone (by its id). */
  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
