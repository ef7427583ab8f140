import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileStore } from "../../src/store/file/fileStore.ts";

const KILLS = 50;

/** Starts the writer, lets it run a random while, SIGKILLs it; resolves with every ack it printed. */
function runAndKill(path: string, start: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", "test/fixtures/crashWriter.ts", path, String(start)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const acks: number[] = [];
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready") setTimeout(() => child.kill("SIGKILL"), Math.random() * 120);
        else if (line.startsWith("ack ")) acks.push(Number(line.slice(4)));
      }
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) =>
      signal === "SIGKILL" ? resolve(acks) : reject(new Error(`writer exited: ${_code}`)),
    );
  });
}

describe("crash safety", () => {
  it(`GIVEN a writer SIGKILLed at random moments ${KILLS} times THEN every acknowledged write survives each restart`, async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-crash-"));
    const path = join(dir, "stepwise.json");
    const acknowledged = new Set<number>();
    let next = 0;
    let killedWithAcks = 0;
    try {
      for (let round = 0; round < KILLS; round++) {
        const acks = await runAndKill(path, next);
        for (const n of acks) acknowledged.add(n);
        if (acks.length > 0) killedWithAcks++;
        const store = await FileStore.open(path);
        const users = store.read().users;
        const missing = [...acknowledged].filter(
          (n) => users[`crash:${n}`]?.profile.step2ck_score !== 200 + (n % 100),
        );
        expect(missing, `round ${round}: acknowledged writes lost`).toEqual([]);
        next = Object.keys(users).length + 1000 * (round + 1);
        await store.close();
      }
      console.log(
        `crash test: ${KILLS} kills, ${acknowledged.size} acknowledged writes, all present after every restart`,
      );
      expect(acknowledged.size).toBeGreaterThan(KILLS);
      expect(killedWithAcks).toBeGreaterThan(KILLS / 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
