import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { commands, plainTextCommand } from "../commands/index.ts";
import type { Caller, CommandContext, Services } from "../src/core/command.ts";
import { createCore, type Inbound, type Input, type Response } from "../src/core/handle.ts";
import { type Clock, type Logger, noRateLimit, noSchedule, silentLogger } from "../src/core/ports.ts";
import { KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { loadKnowledge } from "../src/knowledge/load.ts";
import { type MemoryStore, memoryBackend } from "../src/store/memory/memoryStore.ts";

export const KNOWLEDGE_DIR = fileURLToPath(new URL("../knowledge", import.meta.url));

let knowledge: Promise<KnowledgeBase> | undefined;

/** The real knowledge base, loaded once per test file. */
export function testKnowledge(): Promise<KnowledgeBase> {
  knowledge ??= loadKnowledge(KNOWLEDGE_DIR).then((data) => new KnowledgeBase(data));
  return knowledge;
}

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that keeps what it is given, for asserting on what was logged. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Resolves with the first truthy value of `check`, polled every few milliseconds. */
export async function waitUntil<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
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
  userId: "console:tester",
  address: "console:tester",
  chatKind: "private",
};

/** A command context over the real knowledge base and registry, a fixed clock, a memory store, a silent logger. */
export async function testContext(overrides: Partial<Services> = {}): Promise<CommandContext> {
  const services: Services = {
    knowledge: await testKnowledge(),
    clock: fixedClock("2026-11-25T12:00:00Z"),
    logger: silentLogger,
    store: memoryBackend().repositories,
    nudges: noSchedule,
    limits: noRateLimit,
    ...overrides,
  };
  return { caller: testCaller, services, commands, requestId: "req-1" };
}

/** A test context over a memory backend, and its whole document, for tests that check all of what is stored. */
export async function memoryContext(
  overrides: Partial<Services> = {},
): Promise<{ ctx: CommandContext; document: MemoryStore }> {
  const memory = memoryBackend();
  return { ctx: await testContext({ store: memory.repositories, ...overrides }), document: memory.document };
}

/** A response that says something (not ignored, silent or asking). */
export type Replied = Extract<Response, { kind: "reply" }>;

/**
 * One line (or a parsed command, as a slash command arrives) through the core's entry point, as
 * the context's caller, over its services and registry.
 */
export function respond(
  line: string | Input,
  ctx: CommandContext,
  event: Partial<Inbound> = {},
): Promise<Response> {
  const core = createCore(ctx.services, ctx.commands, { plainText: plainTextCommand });
  return core.handle({
    via: "test",
    requestId: ctx.requestId,
    caller: ctx.caller,
    input: typeof line === "string" ? { kind: "text", text: line } : line,
    addressed: true,
    ...event,
  });
}

/** Like `respond`, for lines that must be answered: the reply, or the test fails. */
export async function runLine(
  line: string | Input,
  ctx: CommandContext,
  event: Partial<Inbound> = {},
): Promise<Replied> {
  const response = await respond(line, ctx, event);
  if (response.kind !== "reply")
    throw new Error(`${JSON.stringify(line)}: expected a reply, got ${response.kind}`);
  return response;
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
