import { readdir, readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { commands, plainTextCommand } from "../commands/index.ts";
import type { Caller } from "../src/core/command.ts";
import { createCore } from "../src/core/handle.ts";
import { noRateLimit, noSchedule, silentLogger, systemClock } from "../src/core/ports.ts";
import type { KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { memoryBackend } from "../src/store/memory/memoryStore.ts";
import { ms, percentile, type Row } from "./stats.ts";

const EVAL_DIR = new URL("../test/eval/", import.meta.url);

/** Every question of the evaluation sets, answerable and off-topic alike, real ones included. */
async function evalQuestions(): Promise<string[]> {
  const real = parseYaml(await readFile(new URL("real/questions.yaml", EVAL_DIR), "utf8")) as {
    questions: Array<{ q: string }>;
  };
  const files = (await readdir(EVAL_DIR)).filter((name) => name.endsWith(".yaml"));
  const questions: string[] = [];
  for (const file of files) {
    const set = parseYaml(await readFile(new URL(file, EVAL_DIR), "utf8")) as {
      answerable: Array<{ q: string }>;
      abstain: string[];
    };
    questions.push(...set.answerable.map((item) => item.q), ...set.abstain);
  }
  return [...questions, ...real.questions.map((item) => item.q)];
}

/** `/ask` in process, through the core's entry point (parse, checks, validate, search, reply), over the eval set. */
export async function benchAsk(knowledge: KnowledgeBase, rounds = 30): Promise<Row[]> {
  const questions = await evalQuestions();
  const services = {
    knowledge,
    clock: systemClock,
    logger: silentLogger,
    store: memoryBackend().repositories,
    nudges: noSchedule,
    limits: noRateLimit,
  };
  const core = createCore(services, commands, { plainText: plainTextCommand });
  const caller: Caller = { userId: "bench:1", address: "bench:1", chatKind: "private" };
  const ask = (q: string) =>
    core.handle({
      via: "bench",
      requestId: "1",
      caller,
      input: { kind: "text", text: `/ask ${q}` },
      addressed: true,
    });
  for (const q of questions) await ask(q); // warm-up: JIT and caches
  const samples: number[] = [];
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const q of questions) {
      const t = performance.now();
      await ask(q);
      samples.push(performance.now() - t);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const p99 = percentile(samples, 99);
  return [
    {
      figure: `/ask latency p50 (${questions.length} eval questions x ${rounds})`,
      value: ms(percentile(samples, 50)),
    },
    { figure: "/ask latency p99", value: ms(p99), target: "<= 2 ms", met: p99 <= 2 },
    {
      figure: "/ask throughput (one core)",
      value: `${Math.round(samples.length / seconds).toLocaleString("en")} /s`,
    },
  ];
}
