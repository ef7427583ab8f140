import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../src/core/ports.ts";
import type { Subscription } from "../src/core/records.ts";
import type { KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { nextSlot } from "../src/engine/nudges/nudges.ts";
import { NudgeScheduler } from "../src/scheduler/scheduler.ts";
import { documentBackend } from "../src/store/document/repositories.ts";
import { FileStore } from "../src/store/file/fileStore.ts";
import { ms, percentile, type Row } from "./stats.ts";

/** The bench's "now": every subscription is created just before it. */
export const START = new Date("2026-12-01T00:00:00Z");
const ZONES = [
  "Asia/Kolkata",
  "America/New_York",
  "Europe/London",
  "Africa/Cairo",
  "Asia/Manila",
  "America/Sao_Paulo",
];

/** A group's subscription as /nudge start stores it, next due at `time` in `timezone` after START. */
export function groupSubscription(time: string, timezone: string): Subscription {
  return {
    chat_kind: "group",
    time,
    timezone,
    exam: "step2ck",
    exam_date: "2027-05-01",
    started_day: "2026-11-30",
    ...nextSlot("2026-11-30", time, timezone, START),
    shown_tips: [],
  };
}

/** Subscriptions spread over every minute of the day and several zones, as real groups would be. */
function subscription(i: number): Subscription {
  const minuteOfDay = i % 1440;
  const time = `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
  return groupSubscription(time, ZONES[i % ZONES.length] ?? "UTC");
}

/** Cost of the minute tick: idle, and a typical minute (about n/1440 due), with n subscriptions. */
export async function benchTick(knowledge: KnowledgeBase, count: number): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), "stepwise-bench-tick-"));
  try {
    const store = await FileStore.open(join(dir, "stepwise.json"));
    await store.update((data) => {
      for (let i = 0; i < count; i++) data.subscriptions[`telegram:${-1_000_000 - i}`] = subscription(i);
    });
    let now = START;
    let delivered = 0;
    const scheduler = new NudgeScheduler({
      queue: documentBackend(store).repositories.nudgeQueue,
      knowledge,
      clock: { now: () => now },
      logger: silentLogger,
      send: async () => {
        delivered++;
      },
    });
    const idle: number[] = [];
    const busy: number[] = [];
    // 60 consecutive minutes: each tick sends that minute's nudges; then the same minute again (idle).
    for (let minute = 0; minute < 60; minute++) {
      now = new Date(START.getTime() + minute * 60_000);
      let started = performance.now();
      await scheduler.tick();
      busy.push(performance.now() - started);
      started = performance.now();
      await scheduler.tick();
      idle.push(performance.now() - started);
    }
    await scheduler.stop();
    await store.close();
    const label = count.toLocaleString("en");
    return [
      { figure: `Nudge tick, nothing due (${label} subscriptions) p50`, value: ms(percentile(idle, 50)) },
      {
        figure: `Nudge tick, a minute's ~${Math.round(delivered / 60)} due (${label} subscriptions) p50 / max`,
        value: `${ms(percentile(busy, 50))} / ${ms(Math.max(...busy))}`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
