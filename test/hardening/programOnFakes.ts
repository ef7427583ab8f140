import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROGRAM } from "../../scripts/build.mjs";
import { FakeDiscord } from "../fakes/discord/server.ts";
import { FakeTelegram } from "../fakes/telegram/server.ts";

/** The built program running Telegram and Discord against the fakes, on a data file in a temporary folder. */
export interface ProgramOnFakes {
  telegram: FakeTelegram;
  discord: FakeDiscord;
  child: ChildProcess;
  /** Everything it has logged so far. */
  stderr(): string;
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>;
  /** Kills it if it still runs, stops both fakes and removes the folder. */
  close(): Promise<void>;
}

/** Starts the bundled bot (`npm start`'s program) with both platforms against fresh fakes; resolves once it is ready. */
export async function startProgramOnFakes(): Promise<ProgramOnFakes> {
  const telegram = new FakeTelegram();
  await telegram.start();
  const discord = await FakeDiscord.start();
  const dir = await mkdtemp(join(tmpdir(), "stepwise-program-"));
  const env = {
    ...process.env,
    STEPWISE_DATA: join(dir, "stepwise.json"),
    LOG_LEVEL: "info",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: "",
  };
  const child = spawn(process.execPath, [PROGRAM], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const close = async () => {
    child.kill("SIGKILL");
    await discord.stop();
    await telegram.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await telegram.waitFor(() => stderr.includes('"msg":"ready"'), 15_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { telegram, discord, child, stderr: () => stderr, exited, close };
}
