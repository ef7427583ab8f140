import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { build, isCurrent } from "../scripts/build.mjs";
import { snowflake, user } from "../test/fakes/discord/payloads.ts";
import { FakeDiscord } from "../test/fakes/discord/server.ts";
import { FakeTelegram, fakeUser, privateChatOf } from "../test/fakes/telegram/server.ts";
import { mb, ms, percentile, type Row } from "./stats.ts";

/** `npm start` without npm: its node flags and program (scripts/run.mjs runs dist/ when the build is current). */
export const START = packageJson.scripts.start.replace(/^node /, "").split(" ");
/** The stand-in (bench/standin.mjs) runs with the same node flags, so only the code differs. */
const STANDIN = [...START.filter((arg) => arg.startsWith("--")), "bench/standin.mjs"];
const NO_TOKENS = { TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "" };

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

interface Started {
  readyMs: number;
  rssBytes: number;
  /** V8's committed heap, from a Node diagnostic report taken right after the resident memory. */
  heapBytes: number;
}

/**
 * The committed JavaScript heap from the process's diagnostic report (`--report-on-signal`, the
 * same flag for Stepwise and the stand-in). Resident memory also counts the threads' allocation
 * arenas and the young generation, which move by several MB from run to run; the heap barely moves.
 */
async function heapOf(child: ChildProcess, dir: string): Promise<number> {
  child.kill("SIGUSR2");
  for (let waited = 0; waited < 10_000; waited += 50) {
    const report = (await readdir(dir)).find((name) => name.startsWith("report.") && name.endsWith(".json"));
    if (report) {
      try {
        const { javascriptHeap } = JSON.parse(await readFile(join(dir, report), "utf8")) as {
          javascriptHeap: { totalMemory: number };
        };
        return javascriptHeap.totalMemory;
      } catch {
        // Still being written.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no diagnostic report within 10 s");
}

/**
 * Starts a bot process, times it from spawn to its "ready" log line, runs `exercise`, and reads its
 * resident memory once that is done.
 */
async function startProcess(
  args: readonly string[],
  env: Record<string, string>,
  exercise: () => Promise<void>,
): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), "stepwise-bench-start-"));
  const reportFlags = ["--report-on-signal", "--report-signal=SIGUSR2", `--report-directory=${dir}`];
  const child = spawn(process.execPath, [...reportFlags, ...args], {
    env: { ...process.env, LOG_LEVEL: "info", STEPWISE_DATA: join(dir, "stepwise.json"), ...env },
    stdio: ["pipe", "ignore", "pipe"],
  });
  const started = performance.now();
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      let log = "";
      child.stderr.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('"msg":"ready"')) resolve(performance.now() - started);
      });
      child.on("exit", (code) => reject(new Error(`bot exited (${code}) before ready:\n${log}`)));
    });
    await exercise();
    const rssBytes = await rssOf(child.pid ?? 0);
    return { readyMs, rssBytes, heapBytes: await heapOf(child, dir) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.on("exit", resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Milliseconds from spawn until the process has written its first output (or exited, without any). */
async function timeToOutput(
  args: readonly string[],
  input: string,
  env: Record<string, string>,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "stepwise-bench-once-"));
  try {
    return await new Promise<number>((resolve) => {
      const started = performance.now();
      const child = spawn(process.execPath, args, {
        env: { ...process.env, STEPWISE_DATA: join(dir, "stepwise.json"), ...env },
        stdio: ["pipe", "pipe", "ignore"],
      });
      let answered: number | undefined;
      child.stdout.on("data", () => {
        answered ??= performance.now() - started;
      });
      child.on("exit", () => resolve(answered ?? performance.now() - started));
      child.stdin.end(input);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The console started with one question piped in, until the answer is printed, next to a bare
 * `node -e 0` measured in the same run (medians, taken in turns so load affects both alike).
 */
async function consoleStartRatio(runs = 9): Promise<{ bareMs: number; consoleMs: number }> {
  const bare: number[] = [];
  const bot: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await timeToOutput(["-e", "0"], "", {}));
    bot.push(await timeToOutput(START, "/ask do programs still care about step 1?\n", NO_TOKENS));
  }
  return { bareMs: percentile(bare, 50), consoleMs: percentile(bot, 50) };
}

/** Both adapters against the fakes, doing real work: 100 slash commands and 100 Telegram questions. */
async function withFakes<T>(
  run: (env: Record<string, string>, exercise: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const telegram = new FakeTelegram();
  await telegram.start();
  const discord = await FakeDiscord.start();
  const env = {
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
  };
  // Twenty people, five questions each on each platform: within the per-person limit, as real use is.
  const exercise = async () => {
    const people = Array.from({ length: 20 }, (_, i) => fakeUser(`Bench${i}`));
    const members = Array.from({ length: 20 }, (_, i) => user(snowflake(), `bench${i}`));
    const question = { name: "question", type: 3, value: "what step 2 ck score should i aim for" };
    for (let i = 0; i < 100; i++) {
      await discord.runCommand("ask", [question], { user: members[i % 20] });
      const chat = privateChatOf(people[i % 20] ?? fakeUser("Bench"));
      const seen = telegram.messagesIn(chat.id).length;
      telegram.userSays(people[i % 20] ?? fakeUser("Bench"), chat, "/ask how early should i take step 3");
      await telegram.waitFor(() => telegram.messagesIn(chat.id).length > seen);
    }
    // Memory once it settles.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  };
  try {
    return await run(env, exercise);
  } finally {
    await discord.stop();
    await telegram.stop();
  }
}

const MEMORY_RUNS = 5;

const ratio = (value: number) => `${value.toFixed(2)}x`;

/**
 * Start-up and memory: the console's start plus one question against a bare node; start to ready
 * of the console and of both adapters; resident memory of both adapters next to the stand-in.
 */
export async function benchStartup(): Promise<Row[]> {
  if (!isCurrent()) build();
  const { bareMs, consoleMs } = await consoleStartRatio();
  const consoleRun = await startProcess(START, NO_TOKENS, async () => {});
  // Side by side, in turns, five times each: resident memory moves by several MB from run to run
  // (the threads' allocation arenas most), in the stand-in as much as in Stepwise.
  const ours: Started[] = [];
  const theirs: Started[] = [];
  const plain: Started[] = [];
  for (let i = 0; i < MEMORY_RUNS; i++) {
    ours.push(await withFakes((env, exercise) => startProcess(START, env, exercise)));
    theirs.push(await withFakes((env, exercise) => startProcess(STANDIN, env, exercise)));
    plain.push(await withFakes((env, exercise) => startProcess(["bench/standin.mjs"], env, exercise)));
  }
  const median = (runs: Started[], figure: keyof Started) =>
    percentile(
      runs.map((r) => r[figure]),
      50,
    );
  const plainRss = median(plain, "rssBytes");
  const both = { readyMs: median(ours, "readyMs"), rssBytes: median(ours, "rssBytes") };
  const standin = { rssBytes: median(theirs, "rssBytes") };
  const ourHeap = median(ours, "heapBytes");
  const theirHeap = median(theirs, "heapBytes");
  const startRatio = consoleMs / bareMs;
  const memoryRatio = both.rssBytes / standin.rssBytes;
  return [
    { figure: "Bare `node -e 0`, spawn to exit (median of 9)", value: ms(bareMs) },
    { figure: "Console start + one /ask, spawn to answer (median of 9)", value: ms(consoleMs) },
    { figure: "  ratio to the bare node", value: ratio(startRatio), target: "<= 10x", met: startRatio <= 10 },
    {
      figure: "Start to ready, console",
      value: ms(consoleRun.readyMs),
      target: "<= 1 s",
      met: consoleRun.readyMs <= 1000,
    },
    { figure: "Resident memory, console (idle)", value: mb(consoleRun.rssBytes) },
    { figure: "Start to ready, Telegram + Discord (fakes)", value: ms(both.readyMs) },
    {
      figure: `Resident memory, Telegram + Discord (fakes, after 200 commands; median of ${MEMORY_RUNS})`,
      value: mb(both.rssBytes),
      target: "<= 120 MB",
      met: both.rssBytes <= 120 * 1024 * 1024,
    },
    {
      figure: `Resident memory, stand-in discord.js + grammY bot (same work, same flags; median of ${MEMORY_RUNS})`,
      value: mb(standin.rssBytes),
    },
    {
      figure: "  ratio to the stand-in",
      value: ratio(memoryRatio),
      target: "<= 1.1x",
      met: memoryRatio <= 1.1,
    },
    {
      figure: `JavaScript heap committed, Telegram + Discord (same runs; median of ${MEMORY_RUNS})`,
      value: mb(ourHeap),
    },
    {
      figure: `JavaScript heap committed, stand-in (same runs; median of ${MEMORY_RUNS})`,
      value: mb(theirHeap),
    },
    { figure: "  difference (what Stepwise's code and knowledge hold)", value: mb(ourHeap - theirHeap) },
    // For context: the stand-in as a minimal bot is usually run, with node's default heap sizes.
    {
      figure: `Resident memory, stand-in run as plain \`node\` (median of ${MEMORY_RUNS})`,
      value: mb(plainRss),
    },
    { figure: "  ratio to it", value: ratio(both.rssBytes / plainRss) },
  ];
}
