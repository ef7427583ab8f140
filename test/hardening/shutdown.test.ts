import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SHUTDOWN_DEADLINE_MS } from "../../src/app.ts";
import { fakeUser, privateChatOf } from "../fakes/telegram/server.ts";
import { startProgramOnFakes } from "./programOnFakes.ts";

describe("clean shutdown", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "GIVEN %s THEN the bot writes the store, releases it and exits 0 in time",
    async (signal) => {
      const dir = await mkdtemp(join(tmpdir(), "stepwise-stop-"));
      const data = join(dir, "stepwise.json");
      const env = {
        ...process.env,
        STEPWISE_DATA: data,
        LOG_LEVEL: "info",
        TELEGRAM_BOT_TOKEN: "",
        DISCORD_TOKEN: "",
      };
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--json"], {
        env,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const until = (check: () => boolean) =>
        new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            if (!check()) return;
            clearInterval(timer);
            resolve();
          }, 10);
        });
      await until(() => stderr.includes('"msg":"ready"'));
      child.stdin.write("/nudge start time:07:30 timezone:Europe/London\n");
      await until(() => stdout.includes("nudge start"));
      const sentAt = Date.now();
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      const took = Date.now() - sentAt;
      try {
        expect(code).toBe(0);
        expect(took).toBeLessThan(SHUTDOWN_DEADLINE_MS);
        expect(stderr).toContain('"msg":"stopped"');
        const snapshot = JSON.parse(await readFile(data, "utf8"));
        expect(Object.keys(snapshot.subscriptions)).toEqual(["console:local"]);
        expect((await stat(`${data}.journal`)).size).toBe(0);
        await expect(stat(`${data}.lock`)).rejects.toThrow(/ENOENT/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("clean shutdown with both platforms", () => {
  it("GIVEN Telegram and Discord running against the fakes THEN SIGTERM answers what is in flight, closes both clients and exits 0 in time", async () => {
    const { telegram, discord, child, stderr, exited, close } = await startProgramOnFakes();
    try {
      const user = fakeUser("Ada");
      const chat = privateChatOf(user);
      telegram.userSays(user, chat, "/about");
      // The update is taken by the bot's long poll, then the signal arrives while it is handled.
      await telegram.waitFor(
        () => telegram.callsOf("getUpdates").length > 1 && stderr().includes('"command":"about"'),
      );
      const sentAt = Date.now();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      expect(telegram.messagesIn(chat.id).some((m) => m.text.startsWith("About Stepwise"))).toBe(true);
      expect(discord.closes).toContain(1000);
      expect(stderr()).toContain('"msg":"stopped"');
    } finally {
      await close();
    }
  });
});
