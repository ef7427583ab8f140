import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { FakeDiscord } from "../test/fakes/discord/server.ts";
import { FakeTelegram, fakeUser, privateChatOf } from "../test/fakes/telegram/server.ts";
import { mb, ms, type Row } from "./stats.ts";

interface Started {
  readyMs: number;
  rssBytes: number;
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

/**
 * Starts the real bot process (`node dist/src/main.js`, what `npm start` runs after its build) and
 * times it from spawn to its "ready" log line; memory is read after it has answered some commands.
 */
async function startBot(env: Record<string, string>, exercise: () => Promise<void>): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), "stepwise-bench-start-"));
  // The same node flags as `npm start`.
  const flags = /node (.*) dist\/src\/main\.js/.exec(packageJson.scripts.start)?.[1]?.split(" ") ?? [];
  const child = spawn(process.execPath, [...flags, "dist/src/main.js"], {
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
    return { readyMs, rssBytes };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.on("exit", resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Start-to-ready and memory: the console chat alone, and both adapters against the fakes. */
export async function benchStartup(): Promise<Row[]> {
  execFileSync("node_modules/.bin/tsc", ["-p", "tsconfig.build.json"]);
  const consoleRun = await startBot({ TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "" }, async () => {});

  const telegram = new FakeTelegram();
  await telegram.start();
  const discord = await FakeDiscord.start();
  try {
    const both = await startBot(
      {
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_GUILD_ID: "",
      },
      async () => {
        // A working bot: 100 slash commands and 100 Telegram questions, then memory once it settles.
        const user = fakeUser("Bench");
        const chat = privateChatOf(user);
        for (let i = 0; i < 100; i++) {
          await discord.runCommand("ask", [
            { name: "question", type: 3, value: "what step 2 ck score should i aim for" },
          ]);
          const seen = telegram.messagesIn(chat.id).length;
          telegram.userSays(user, chat, "/ask how early should i take step 3");
          await telegram.waitFor(() => telegram.messagesIn(chat.id).length > seen);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      },
    );
    return [
      {
        figure: "Start to ready, console",
        value: ms(consoleRun.readyMs),
        target: "<= 1 s",
        met: consoleRun.readyMs <= 1000,
      },
      { figure: "Resident memory, console (idle)", value: mb(consoleRun.rssBytes) },
      { figure: "Start to ready, Telegram + Discord (fakes)", value: ms(both.readyMs) },
      {
        figure: "Resident memory, Telegram + Discord (fakes, after 200 commands)",
        value: mb(both.rssBytes),
        target: "<= 120 MB",
        met: both.rssBytes <= 120 * 1024 * 1024,
      },
    ];
  } finally {
    await discord.stop();
    await telegram.stop();
  }
}
