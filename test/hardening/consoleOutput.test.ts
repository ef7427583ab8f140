/**
 * Finding 4 of issue #16: cut-off console output. When input ended, the process could exit before
 * a pipe had drained: /mydata for a user with 2,000 scores arrived cut short, with exit code 0.
 * The real program, its stdout a pipe whose reader is slow.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { PROGRAM } from "../../scripts/build.mjs";
import { consoleCaller } from "../../src/adapters/console/index.ts";

const SCORES = 2_000;

/** A data file as an older Stepwise wrote it (migrated when opened), the console's user with 2,000 practice scores. */
async function dataWithScores(dir: string): Promise<string> {
  const data = JSON.parse(await readFile(new URL("../fixtures/data-v1.json", import.meta.url), "utf8"));
  const scores = Array.from({ length: SCORES }, (_, i) => ({
    id: String(i + 1),
    exam: "step2ck",
    test: `NBME practice form number ${i + 1}`,
    kind: "scaled",
    value: 200 + (i % 60),
    date: "2026-10-01",
    added_at: "2026-11-20T09:00:00.000Z",
  }));
  // No nudges: the fixture's console subscription (09:00 UTC) would add a line when run in that hour.
  data.subscriptions = {};
  data.users[consoleCaller().userId] = {
    profile: { exam_dates: {} },
    scores,
    next_score_id: SCORES + 1,
    created_at: "2026-11-20T09:00:00.000Z",
    updated_at: "2026-11-20T09:00:00.000Z",
  };
  const file = join(dir, "stepwise.json");
  await writeFile(file, JSON.stringify(data), { mode: 0o600 });
  return file;
}

/** The program, built, as `npm start -- --json` runs it with `input` piped in. */
function startConsole(data: string, input: string) {
  const child = spawn(process.execPath, [PROGRAM, "--json"], {
    env: {
      ...process.env,
      STEPWISE_DATA: data,
      LOG_LEVEL: "info",
      TELEGRAM_BOT_TOKEN: "",
      DISCORD_TOKEN: "",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(input);
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, exited, stderr: () => stderr };
}

describe("finding 4 (cut-off console output)", () => {
  it("GIVEN /mydata with 2,000 scores read through a slow pipe THEN every byte arrives before the program exits 0", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-pipe-"));
    try {
      const { child, exited, stderr } = startConsole(await dataWithScores(dir), "/mydata\n");
      child.stdout.pause();
      // The reply is ready and the input has ended: the program now wants to exit.
      while (!stderr().includes('"command":"mydata"')) await sleep(20);
      await sleep(300);
      // A slow reader: a small piece at a time, with pauses in between.
      const pieces: Buffer[] = [];
      for await (const piece of child.stdout) {
        pieces.push(piece as Buffer);
        await sleep(5);
      }
      const output = Buffer.concat(pieces).toString("utf8");
      expect(await exited).toBe(0);
      const lines = output.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      const answer = JSON.parse(lines[0] ?? "");
      expect(answer).toMatchObject({ ok: true, command: "mydata" });
      // The last score, at the end of the 2,000 printed.
      expect(answer.text).toContain(`"NBME practice form number ${SCORES}"`);
      expect(output.length).toBeGreaterThan(500_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("GIVEN a reader that goes away early (like `| head`) THEN the program ends quietly with 0, no stack trace", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-pipe-"));
    try {
      const { child, exited, stderr } = startConsole(await dataWithScores(dir), "/mydata\n/about\n");
      child.stdout.once("data", () => child.stdout.destroy());
      expect(await exited).toBe(0);
      expect(stderr()).not.toMatch(/EPIPE|Unhandled 'error' event/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
