import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UserRecord } from "../src/core/records.ts";
import { FileStore } from "../src/store/file/fileStore.ts";
import { ms, percentile, type Row } from "./stats.ts";

const NOW = "2026-11-25T12:00:00.000Z";

/** A user with a profile and four practice scores: more than most users keep. */
export function user(i: number): UserRecord {
  return {
    profile: {
      step1: "pass",
      step2ck_score: 230 + (i % 30),
      needs_visa: true,
      exam_dates: { step2ck: "2027-03-01" },
      timezone: "Asia/Kolkata",
    },
    scores: Array.from({ length: 4 }, (_, j) => ({
      id: String(j + 1),
      exam: "step2ck" as const,
      test: `NBME ${10 + j}`,
      kind: "scaled" as const,
      value: 225 + j * 4,
      date: "2026-10-01",
      added_at: NOW,
    })),
    next_score_id: 5,
    sessions: [],
    next_session_id: 1,
    shares: {},
    created_at: NOW,
    updated_at: NOW,
  };
}

/** Store write latency (update resolved = synced to disk) with 10,000 users on file. */
export async function benchStore(users = 10_000, writes = 2_000): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), "stepwise-bench-store-"));
  try {
    const path = join(dir, "stepwise.json");
    const seed = await FileStore.open(path);
    await seed.update((data) => {
      for (let i = 0; i < users; i++) data.users[`telegram:${i}`] = user(i);
    });
    await seed.close();
    const store = await FileStore.open(path);
    const samples: number[] = [];
    for (let n = 0; n < writes; n++) {
      const id = `telegram:${(n * 7919) % users}`;
      const started = performance.now();
      await store.update((data) => {
        const record = data.users[id];
        if (record) record.profile.step2ck_score = 200 + (n % 100);
      });
      samples.push(performance.now() - started);
    }
    // /forget rewrites the snapshot before it answers; a write from someone else that arrives
    // meanwhile waits for it. Both latencies are measured over 20 erasures.
    const erasures: number[] = [];
    const behind: number[] = [];
    for (let n = 0; n < 20; n++) {
      const started = performance.now();
      const erased = store
        .update(
          (data) => {
            delete data.users[`telegram:${n}`];
          },
          { erase: true },
        )
        .then(() => erasures.push(performance.now() - started));
      await new Promise((resolve) => setImmediate(resolve));
      const queued = performance.now();
      await store.update((data) => {
        const record = data.users[`telegram:${users - 1 - n}`];
        if (record) record.profile.step2ck_score = 250;
      });
      behind.push(performance.now() - queued);
      await erased;
    }
    await store.close();
    return [
      {
        figure: `Erasing write (/forget) p50 (${users.toLocaleString("en")} users on file)`,
        value: ms(percentile(erasures, 50)),
      },
      {
        figure: "Another user's write queued behind an erasure, p99",
        value: ms(percentile(behind, 99)),
        target: "<= 250 ms",
        met: percentile(behind, 99) <= 250,
      },
      {
        figure: `Store write p50 (${users.toLocaleString("en")} users on file)`,
        value: ms(percentile(samples, 50)),
      },
      {
        figure: `Store write p99 (${users.toLocaleString("en")} users on file)`,
        value: ms(percentile(samples, 99)),
        target: "<= 20 ms",
        met: percentile(samples, 99) <= 20,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
