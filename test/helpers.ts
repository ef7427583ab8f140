import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { commands } from "../commands/index.ts";
import type { Caller, CommandContext, Services } from "../src/core/command.ts";
import { type Clock, noRateLimit, noSchedule, silentLogger } from "../src/core/ports.ts";
import { KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { loadKnowledge } from "../src/knowledge/load.ts";
import { MemoryStore } from "../src/store/memory.ts";

export const KNOWLEDGE_DIR = fileURLToPath(new URL("../knowledge", import.meta.url));

let knowledge: Promise<KnowledgeBase> | undefined;

/** The real knowledge base, loaded once per test file. */
export function testKnowledge(): Promise<KnowledgeBase> {
  knowledge ??= loadKnowledge(KNOWLEDGE_DIR).then((data) => new KnowledgeBase(data));
  return knowledge;
}

/** A clock that always reads the given instant. */
export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  return { now: () => new Date(at) };
}

/** A clock the test moves by hand, as the minute timer's ticks would see it. */
export class ManualClock implements Clock {
  private at: Date;
  constructor(iso: string) {
    this.at = new Date(iso);
  }
  now = (): Date => new Date(this.at);
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

export const testCaller: Caller = {
  platform: "console",
  userId: "console:tester",
  chatId: "console:tester",
  chatKind: "private",
};

/** A command context over the real knowledge base and registry, a fixed clock, a memory store, a silent logger. */
export async function testContext(overrides: Partial<Services> = {}): Promise<CommandContext> {
  const services: Services = {
    knowledge: await testKnowledge(),
    clock: fixedClock("2026-11-25T12:00:00Z"),
    logger: silentLogger,
    store: new MemoryStore(),
    nudges: noSchedule,
    limits: noRateLimit,
    ...overrides,
  };
  return { caller: testCaller, services, commands };
}

/** Starts the program as `npm start` does, on the data file given and no tokens; resolves with how it ended. */
export function startProgram(
  data: string,
  options: { uid?: number } = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, STEPWISE_DATA: data, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "" },
    stdio: ["ignore", "ignore", "pipe"],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}
