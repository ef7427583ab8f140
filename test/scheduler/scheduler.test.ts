import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../commands/index.ts";
import type { Caller, CommandContext } from "../../src/core/command.ts";
import { DeliveryError } from "../../src/core/errors.ts";
import { noRateLimit, silentLogger } from "../../src/core/ports.ts";
import type { Reply } from "../../src/core/reply.ts";
import { MAX_HELD, NudgeScheduler, type SchedulerOptions } from "../../src/scheduler/scheduler.ts";
import { openFileBackend } from "../../src/store/file/fileStore.ts";
import { ManualClock, runLine, testKnowledge } from "../helpers.ts";
import { tickAt } from "./wiring.ts";
import { groupDueAt } from "./workerProcesses.ts";

interface Sent {
  chatId: string;
  at: string;
  reply: Reply;
}

let dir: string;
let backend: Awaited<ReturnType<typeof openFileBackend>>;
let clock: ManualClock;
let sent: Sent[];
let failWith: ((chatId: string) => Error | undefined) | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-nudge-"));
  backend = await openFileBackend(join(dir, "data.json"));
  sent = [];
  failWith = undefined;
});
afterEach(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

async function scheduler(options: Partial<SchedulerOptions> = {}): Promise<NudgeScheduler> {
  const send = async (chatId: string, reply: Reply) => {
    const error = failWith?.(chatId);
    if (error) throw error;
    sent.push({ chatId, at: clock.now().toISOString(), reply });
  };
  return new NudgeScheduler({
    queue: backend.repositories.nudgeQueue,
    knowledge: await testKnowledge(),
    clock,
    logger: silentLogger,
    send,
    retry: { minTimeout: 5, maxTimeout: 20 },
    ...options,
  });
}

/** Runs a /nudge command as a group admin in chat `chatId` at the clock's time. */
async function command(line: string, chatId: string, nudges: NudgeScheduler) {
  const caller: Caller = {
    userId: "chat:7",
    address: chatId,
    chatKind: "group",
    canManage: async () => true,
  };
  const ctx: CommandContext = {
    caller,
    commands,
    requestId: "req-1",
    services: {
      knowledge: await testKnowledge(),
      clock,
      logger: silentLogger,
      store: backend.repositories,
      nudges,
      limits: noRateLimit,
    },
  };
  const outcome = await runLine(line, ctx);
  if (!outcome.ok) throw new Error(`command failed: ${JSON.stringify(outcome.reply.data)}`);
  return outcome.reply;
}

/** Runs `test` with fake timers (node-cron's minute) and the clock both at `iso`. */
async function atFakeTime(iso: string, test: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({ now: new Date(iso), toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    clock = new ManualClock(iso);
    await test();
  } finally {
    vi.useRealTimers();
  }
}

describe("nudge scheduler", () => {
  it("GIVEN it is started with a nudge to keep THEN it checks at once, then at the start of every minute, until stopped", async () => {
    await atFakeTime("2026-06-01T00:00:30Z", async () => {
      const nudges = await scheduler();
      // A nudge to keep: the minute check (node-cron) is loaded with the first one.
      await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", nudges);
      const ticks = vi.spyOn(nudges, "tick");
      await nudges.start();
      expect(ticks).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(29_999);
      expect(ticks).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(ticks).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(ticks).toHaveBeenCalledTimes(3);
      await nudges.stop();
      await vi.advanceTimersByTimeAsync(180_000);
      expect(ticks).toHaveBeenCalledTimes(3);
    });
  });

  it("GIVEN no nudges at start THEN there is no minute check until the first one is set up", async () => {
    await atFakeTime("2026-06-01T00:00:30Z", async () => {
      const nudges = await scheduler();
      const ticks = vi.spyOn(nudges, "tick");
      await nudges.start();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(ticks).toHaveBeenCalledTimes(1);
      await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", nudges);
      await vi.waitFor(async () => {
        await vi.advanceTimersByTimeAsync(60_000);
        expect(ticks.mock.calls.length).toBeGreaterThan(1);
      });
      await nudges.stop();
    });
  });

  it("GIVEN it shares a database (every minute) and no nudges at start THEN it checks every minute from the start, so a nudge another process sets up goes out on time", async () => {
    await atFakeTime("2026-06-01T01:58:30Z", async () => {
      const nudges = await scheduler({ everyMinute: true });
      const ticks = vi.spyOn(nudges, "tick");
      await nudges.start();
      await vi.advanceTimersByTimeAsync(30_000);
      expect(ticks).toHaveBeenCalledTimes(2);
      // Another process sets one up: this one's scheduler is never told (no changed()).
      await backend.repositories.subscriptions.put("-1", () => groupDueAt(new Date("2026-06-01T02:00:00Z")));
      clock.set("2026-06-01T02:00:00Z");
      await vi.advanceTimersByTimeAsync(60_000);
      expect(ticks).toHaveBeenCalledTimes(3);
      await vi.waitFor(() => expect(sent.map((s) => s.chatId)).toEqual(["-1"]));
      await nudges.stop();
    });
  });

  it("GIVEN the scheduler stops just before a nudge's first send, which fails for now THEN it is not retried and stop does not wait for a retry", async () => {
    clock = new ManualClock("2026-06-01T02:00:00Z");
    await backend.repositories.subscriptions.put("-1", () => groupDueAt(new Date("2026-06-01T02:00:00Z")));
    let reachSend: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      reachSend = resolve;
    });
    let attempts = 0;
    let delivering = false;
    const nudges = await scheduler({
      // The delivery is under way (reading the group's week) when the stop comes.
      weekOf: async () => {
        delivering = true;
        await gate;
        return undefined;
      },
      send: async () => {
        attempts++;
        throw new DeliveryError("not connected", false, "its platform is not connected");
      },
      retry: { minTimeout: 60_000, maxTimeout: 60_000 },
    });
    const ticked = nudges.tick();
    await vi.waitFor(() => expect(delivering).toBe(true));
    const stopped = nudges.stop();
    reachSend();
    const outcome = await Promise.race([
      stopped.then(() => "stopped"),
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 2_000)),
    ]);
    expect(outcome).toBe("stopped");
    expect(attempts).toBe(1);
    expect(await ticked).toMatchObject({ sent: 0, failed: 1 });
  });

  it(`GIVEN 25 nudges due and sends that take their time THEN at most ${MAX_HELD} are claimed at once, and the rest stay in the queue until those go out`, async () => {
    clock = new ManualClock("2026-06-01T02:00:00Z");
    const due = groupDueAt(new Date("2026-06-01T02:00:00Z"));
    for (let i = 1; i <= 25; i++) await backend.repositories.subscriptions.put(`-${i}`, () => due);
    const waiting: Array<() => void> = [];
    const nudges = await scheduler({
      send: (chatId, reply) =>
        new Promise<void>((resolve) =>
          waiting.push(() => {
            sent.push({ chatId, at: clock.now().toISOString(), reply });
            resolve();
          }),
        ),
    });
    const claimed = () =>
      Object.values(backend.document.read().subscriptions).filter((sub) => sub.last_sent_day === "2026-06-01")
        .length;
    const tick = nudges.tick();
    await vi.waitFor(() => expect(waiting).toHaveLength(MAX_HELD));
    expect(claimed()).toBe(MAX_HELD);
    waiting.splice(0, 1)[0]?.();
    await vi.waitFor(() => expect(waiting).toHaveLength(MAX_HELD));
    expect(claimed()).toBe(MAX_HELD + 1);
    while (sent.length < 25) {
      await vi.waitFor(() => expect(waiting.length).toBeGreaterThan(0));
      for (const release of waiting.splice(0)) release();
    }
    expect(await tick).toEqual({ sent: 25, skipped: 0, failed: 0 });
    expect(claimed()).toBe(25);
  });

  it("GIVEN groups in three time zones THEN each gets its nudge at its own local time", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const nudges = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", nudges);
    await command("/nudge start time:07:30 timezone:America/New_York", "-2", nudges);
    await command("/nudge start time:07:30 timezone:Europe/London", "-3", nudges);
    // 07:30 IST = 02:00Z; 07:30 BST = 06:30Z; 07:30 EDT = 11:30Z.
    await tickAt(nudges, clock, "2026-06-01T01:59:00Z", "2026-06-01T02:00:00Z", "2026-06-01T06:29:00Z");
    expect(sent.map((s) => [s.chatId, s.at])).toEqual([["-1", "2026-06-01T02:00:00.000Z"]]);
    await tickAt(nudges, clock, "2026-06-01T06:30:00Z", "2026-06-01T11:30:00Z", "2026-06-01T23:59:00Z");
    expect(sent.map((s) => [s.chatId, s.at])).toEqual([
      ["-1", "2026-06-01T02:00:00.000Z"],
      ["-3", "2026-06-01T06:30:00.000Z"],
      ["-2", "2026-06-01T11:30:00.000Z"],
    ]);
  });

  it.each([
    [
      "America/New_York",
      "02:30",
      "2026-03-08",
      "2026-03-08T07:30:00Z",
      "spring-forward skips 02:30: sends at 03:30 EDT",
    ],
    [
      "Europe/London",
      "01:30",
      "2026-03-29",
      "2026-03-29T01:30:00Z",
      "spring-forward skips 01:30: sends at 02:30 BST",
    ],
  ])(
    "GIVEN %s at %s on its spring-forward day THEN it still sends once (%s)",
    async (zone, time, day, expected) => {
      clock = new ManualClock(`${day}T00:00:00Z`);
      const nudges = await scheduler();
      await command(`/nudge start time:${time} timezone:${zone}`, "-1", nudges);
      const minutes = Array.from({ length: 24 * 60 }, (_, m) =>
        new Date(Date.parse(`${day}T00:00:00Z`) + m * 60_000).toISOString(),
      );
      await tickAt(nudges, clock, ...minutes);
      expect(sent.map((s) => s.at)).toEqual([new Date(expected).toISOString()]);
    },
  );

  it.each([
    ["America/New_York", "01:30", "2026-11-01"],
    ["Europe/London", "01:30", "2026-10-25"],
  ])(
    "GIVEN %s at %s on its fall-back day THEN the repeated hour does not send twice",
    async (zone, time, day) => {
      clock = new ManualClock(`${day}T00:00:00Z`);
      const nudges = await scheduler();
      await command(`/nudge start time:${time} timezone:${zone}`, "-1", nudges);
      const minutes = Array.from({ length: 24 * 60 }, (_, m) =>
        new Date(Date.parse(`${day}T00:00:00Z`) + m * 60_000).toISOString(),
      );
      await tickAt(nudges, clock, ...minutes);
      expect(sent).toHaveLength(1);
      const local = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" });
      expect(local.format(new Date(sent[0]?.at ?? ""))).toBe(time);
    },
  );

  it("GIVEN a restart in the middle of the day THEN no second nudge is sent that day", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const first = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", first);
    await tickAt(first, clock, "2026-06-01T02:00:00Z");
    await first.stop();
    await backend.close();
    backend = await openFileBackend(join(dir, "data.json"));
    const second = await scheduler();
    await tickAt(second, clock, "2026-06-01T02:01:00Z", "2026-06-01T09:00:00Z", "2026-06-01T18:29:00Z");
    expect(sent).toHaveLength(1);
    await tickAt(second, clock, "2026-06-02T02:00:00Z");
    expect(sent.map((s) => s.at)).toEqual(["2026-06-01T02:00:00.000Z", "2026-06-02T02:00:00.000Z"]);
  });

  it("GIVEN the bot was down at the due time and back within 3 hours THEN it sends once, late", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const before = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", before);
    const after = await scheduler();
    await tickAt(after, clock, "2026-06-01T04:30:00Z", "2026-06-01T04:31:00Z");
    expect(sent.map((s) => s.at)).toEqual(["2026-06-01T04:30:00.000Z"]);
  });

  it("GIVEN the bot was down past the 3-hour window THEN that day is skipped and the next day is on time", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const before = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", before);
    const after = await scheduler();
    await tickAt(after, clock, "2026-06-01T05:01:00Z", "2026-06-01T12:00:00Z");
    expect(sent).toEqual([]);
    await tickAt(after, clock, "2026-06-02T02:00:00Z");
    expect(sent.map((s) => s.at)).toEqual(["2026-06-02T02:00:00.000Z"]);
  });

  it("GIVEN the bot was down for days THEN it neither floods nor sends missed days", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const before = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", before);
    const after = await scheduler();
    await tickAt(after, clock, "2026-06-05T03:00:00Z", "2026-06-05T03:01:00Z");
    expect(sent.map((s) => s.at)).toEqual(["2026-06-05T03:00:00.000Z"]);
  });

  it("GIVEN the bot was removed from the chat THEN the chat is recorded unreachable, once, and the nudge waits until /nudge start", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const nudges = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", nudges);
    failWith = () => new DeliveryError("403: bot was kicked", true, "the bot was removed from this group");
    await tickAt(nudges, clock, "2026-06-01T02:00:00Z", "2026-06-02T02:00:00Z");
    expect(sent).toEqual([]);
    expect(backend.document.read().chats).toEqual({
      "-1": {
        unreachable: { reason: "the bot was removed from this group", since: "2026-06-01T02:00:00.000Z" },
      },
    });
    const status = await command("/nudge status", "-1", nudges);
    expect(status.data.paused).toBe("the bot was removed from this group");
    failWith = undefined;
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", nudges);
    expect((await command("/nudge status", "-1", nudges)).data.paused).toBeNull();
    await tickAt(nudges, clock, "2026-06-03T02:00:00Z");
    expect(sent).toHaveLength(1);
  });

  it("GIVEN a nudge delivered THEN /nudge status shows its day as last sent; GIVEN the next one refused for good THEN it still shows the delivered day", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const nudges = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", nudges);
    await tickAt(nudges, clock, "2026-06-01T02:00:00Z");
    const lastSent = async () => {
      const status = await command("/nudge status", "-1", nudges);
      return status.blocks
        .flatMap((b) => (b.kind === "fields" ? b.fields : []))
        .find((f) => f.name === "Last sent");
    };
    expect((await lastSent())?.value).toBe("2026-06-01");
    failWith = () => new DeliveryError("403: bot was kicked", true, "the bot was removed from this group");
    await tickAt(nudges, clock, "2026-06-02T02:00:00Z");
    expect(backend.document.read().subscriptions["-1"]?.last_sent_day).toBe("2026-06-02");
    expect((await lastSent())?.value).toBe("2026-06-01");
  });

  it("GIVEN a transient failure THEN delivery is retried and the nudge arrives once", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const nudges = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata", "-1", nudges);
    let failures = 2;
    failWith = () =>
      failures-- > 0
        ? new DeliveryError("502 from the API", false, "the platform is unavailable")
        : undefined;
    const report = await (async () => {
      clock.set("2026-06-01T02:00:00Z");
      return nudges.tick();
    })();
    expect(report).toEqual({ sent: 1, skipped: 0, failed: 0 });
    expect(sent).toHaveLength(1);
  });

  it("GIVEN an exam date THEN it counts down, and after the exam sends one closing message and stops", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const nudges = await scheduler();
    await command("/nudge start time:07:30 timezone:Asia/Kolkata exam_date:2026-06-02", "-1", nudges);
    await tickAt(
      nudges,
      clock,
      "2026-06-01T02:00:00Z",
      "2026-06-02T02:00:00Z",
      "2026-06-03T02:00:00Z",
      "2026-06-04T02:00:00Z",
    );
    expect(sent.map((s) => s.reply.data.days_left ?? (s.reply.data.closing ? "closing" : "?"))).toEqual([
      1,
      0,
      "closing",
    ]);
    expect((await command("/nudge status", "-1", nudges)).data.ended).toBe(true);
  });

  it("GIVEN a group nudge following the 2028 Match THEN the next milestone is mentioned weekly, the memory survives a restart, and the day before and the day of it the line comes again", async () => {
    clock = new ManualClock("2028-02-02T00:00:00Z");
    const first = await scheduler();
    await command("/nudge start time:07:00 timezone:Asia/Kolkata match:2028", "-1", first);
    // 07:00 in Kolkata is 01:30 UTC; the rank-list deadline is 07:30 there on 2 March.
    const at = (day: string) => `${day}T01:30:00Z`;
    await tickAt(first, clock, at("2028-02-03"), at("2028-02-04"));
    await first.stop();
    await backend.close();
    backend = await openFileBackend(join(dir, "data.json"));
    const second = await scheduler();
    const days = ["2028-02-05", "2028-02-09", "2028-02-10", "2028-02-29", "2028-03-01", "2028-03-02"];
    await tickAt(second, clock, ...days.map(at));
    const withLine = sent.filter((s) => s.reply.data.milestone).map((s) => s.at.slice(0, 10));
    expect(sent).toHaveLength(8);
    // 29 February: a week since the last mention; 1 and 2 March: the day before and the day of it.
    expect(withLine).toEqual(["2028-02-03", "2028-02-10", "2028-02-29", "2028-03-01", "2028-03-02"]);
    const lastLine = sent.at(-1)?.reply.blocks.flatMap((b) => (b.kind === "bullets" ? b.items : [])) ?? [];
    expect(lastLine.join("\n")).toContain("Rank order list deadline, Thu 2 March 2028, 07:30 Asia/Kolkata");
    expect(lastLine.join("\n")).toContain("today (estimated date)");
  });

  it("GIVEN daily nudges THEN tips do not repeat until all have been shown", async () => {
    clock = new ManualClock("2026-06-01T00:00:00Z");
    const nudges = await scheduler();
    await command("/nudge start time:07:30 timezone:UTC", "-1", nudges);
    const tips = (await testKnowledge()).entries.filter((e) => e.nudge).length;
    const days = Array.from({ length: tips + 1 }, (_, d) =>
      new Date(Date.parse("2026-06-01T07:30:00Z") + d * 86_400_000).toISOString(),
    );
    await tickAt(nudges, clock, ...days);
    const shown = sent.map((s) => s.reply.data.tip);
    expect(new Set(shown.slice(0, tips)).size).toBe(tips);
    expect(sent).toHaveLength(tips + 1);
  });
});
