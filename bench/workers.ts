import { build, isCurrent } from "../scripts/build.mjs";
import { TELEGRAM_LIMITS } from "../src/adapters/telegram/throttle.ts";
import { FakeTelegram, fakeGroup } from "../test/fakes/telegram/server.ts";
import { scratchDatabase, startTestServer } from "../test/postgres/server.ts";
import { subscribeAll, WorkerProcess } from "../test/scheduler/workerProcesses.ts";
import { peakInWindow, type Row } from "./stats.ts";

/** The goal: within this factor of the time Telegram's overall rate allows. */
const GOAL = 1.1;
/** Workers need a few seconds to start before the minute the nudges are due. */
const START_UP_MS = 10_000;

/**
 * A nudge-minute across workers: `count` groups due at the start of the coming minute, three
 * `--role worker` processes on one PostgreSQL database (fsync on) sending to the fake Telegram.
 * Timed from the minute's start, when their minute checks find the nudges due, to the last
 * message's arrival; the bound is Telegram's overall 30 a second, which the workers share.
 */
export async function benchWorkers(count = 1_000, workers = 3): Promise<Row[]> {
  if (!isCurrent()) build();
  const server = await startTestServer({ durable: true });
  const database = await scratchDatabase(server.url, "bench_workers");
  const fake = new FakeTelegram();
  await fake.start();
  const running: WorkerProcess[] = [];
  try {
    const groups = Array.from({ length: count }, (_, i) => fakeGroup(`Study group ${i}`));
    for (const group of groups) fake.addChat(group);
    const minute = Math.ceil((Date.now() + START_UP_MS) / 60_000) * 60_000;
    await subscribeAll(
      database.url,
      groups.map((group) => `telegram:${group.id}`),
      new Date(minute),
    );
    for (let i = 0; i < workers; i++) {
      running.push(
        new WorkerProcess({
          STEPWISE_DATABASE_URL: database.url,
          TELEGRAM_BOT_TOKEN: fake.token,
          TELEGRAM_API_ROOT: fake.apiRoot,
        }),
      );
    }
    await Promise.all(running.map((worker) => worker.ready()));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, minute - Date.now())));
    await fake.waitFor(() => fake.callsOf("sendMessage").length >= count, 5 * 60_000);
    const arrivals = fake.callsOf("sendMessage").map((call) => call.at);
    const seconds = (Math.max(...arrivals) - minute) / 1000;
    const perSecond = TELEGRAM_LIMITS.global.points / TELEGRAM_LIMITS.global.seconds;
    const bound = count / perSecond;
    const chats = new Set(fake.callsOf("sendMessage").map((call) => call.payload.chat_id));
    const label = count.toLocaleString("en");
    return [
      {
        figure: `Nudge-minute, ${label} due across ${workers} worker processes (PostgreSQL), Telegram [sent ${arrivals.length} to ${chats.size} groups]`,
        value: `${seconds.toFixed(1)} s (${(seconds / bound).toFixed(2)}x)`,
        target: `<= ${(bound * GOAL).toFixed(1)} s: ${GOAL}x ${label} / ${perSecond} msg/s`,
        met: arrivals.length === count && chats.size === count && seconds <= bound * GOAL,
      },
      {
        figure: `Nudge-minute across ${workers} workers: most messages arriving within any 1 s`,
        value: String(peakInWindow(arrivals, 1000)),
        target: `${perSecond}/s shared, in tenths of a second`,
      },
    ];
  } finally {
    for (const worker of running) worker.kill("SIGTERM");
    await Promise.all(running.map((worker) => worker.exited));
    await fake.stop();
    await database.drop();
    await server.stop();
  }
}
