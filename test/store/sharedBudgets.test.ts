import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { peakInWindow } from "../../bench/stats.ts";
import { createTelegramOutbox } from "../../src/adapters/telegram/outbox.ts";
import { TELEGRAM_LIMITS } from "../../src/adapters/telegram/throttle.ts";
import { type Outbox, silentLogger } from "../../src/core/ports.ts";
import { paragraph, reply } from "../../src/core/reply.ts";
import { createRateLimit } from "../../src/limits/rateLimit.ts";
import { Database } from "../../src/store/postgres/database.ts";
import { postgresLimiters } from "../../src/store/postgres/rateLimits.ts";
import { postgresRepositories } from "../../src/store/postgres/repositories.ts";
import { FakeTelegram, fakeGroup, fakeUser, privateChatOf } from "../fakes/telegram/server.ts";
import { type TestSchema, testSchema } from "../postgres/schema.ts";

/**
 * Budgets shared through the database: two instances, each with its own connections to one
 * PostgreSQL database, as two processes would be. A person's command budget and Telegram's overall
 * and per-group send budgets hold across both, rather than each instance having its own.
 */

let schema: TestSchema;
/** One instance's connections to the database. */
const pools: Database[] = [];

beforeAll(async () => {
  schema = await testSchema();
});
afterAll(() => schema.drop());
afterEach(async () => {
  await Promise.all(pools.splice(0).map((db) => db.close()));
});

/** The budgets of one more instance on the shared database. */
function instanceLimiters() {
  const db = new Database({ url: schema.url, schema: schema.schema, max: 4 });
  pools.push(db);
  return postgresLimiters(db);
}

describe("a person's command budget across instances", () => {
  it("GIVEN two instances on one database and 8 commands in 10 s per person THEN the 9th is refused whichever instance it reaches, once politely, then silently", async () => {
    const [first, second] = [
      createRateLimit(8, 10, instanceLimiters()),
      createRateLimit(8, 10, instanceLimiters()),
    ];
    const verdicts = [];
    for (let i = 0; i < 10; i++) verdicts.push(await (i % 2 === 0 ? first : second).take("telegram:42"));
    expect(verdicts.slice(0, 8).every((verdict) => verdict.ok)).toBe(true);
    expect(verdicts[8]).toMatchObject({ ok: false, firstRefusal: true });
    expect(verdicts[9]).toMatchObject({ ok: false, firstRefusal: false });
    // Someone else has a budget of their own.
    expect(await second.take("telegram:43")).toEqual({ ok: true });
  });

  it("GIVEN a person's recent commands counted in the database THEN /forget's erase deletes the count with the rest", async () => {
    const limiters = instanceLimiters();
    await createRateLimit(8, 10, limiters).take("telegram:44");
    await createRateLimit(8, 10, limiters).take("telegram:45");
    const counted = async () =>
      (
        await (pools[0] as Database).query<{ key: string }>("SELECT key FROM rate_limits ORDER BY key")
      ).rows.map((row) => row.key);
    expect(await counted()).toEqual(expect.arrayContaining(["commands:telegram:44", "commands:telegram:45"]));
    await postgresRepositories(pools[0] as Database).personalData.erase("telegram:44");
    expect(await counted()).not.toContain("commands:telegram:44");
    expect(await counted()).toContain("commands:telegram:45");
  });
});

describe("Telegram's send budgets across instances", () => {
  let fake: FakeTelegram;
  const outboxes: Outbox[] = [];

  beforeEach(async () => {
    fake = new FakeTelegram();
    await fake.start();
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.stop()));
    await fake.stop();
  });

  function instance(limits = TELEGRAM_LIMITS): Outbox {
    const outbox = createTelegramOutbox({
      token: fake.token,
      apiRoot: fake.apiRoot,
      logger: silentLogger,
      limiters: instanceLimiters(),
      limits,
    });
    outboxes.push(outbox);
    return outbox;
  }

  const note = reply({ blocks: [paragraph("Today's study nudge")] });

  it("GIVEN two instances sending 60 messages each at once THEN together they keep to 30 a second: the overall rate is not doubled", async () => {
    const [first, second] = [instance(), instance()];
    const people = Array.from({ length: 120 }, (_, i) => fakeUser(`Person ${i}`));
    for (const person of people) fake.addChat(privateChatOf(person));
    await Promise.all(
      people.map((person, i) => (i % 2 === 0 ? first : second).send(`telegram:${person.id}`, note)),
    );

    const arrivals = fake.callsOf("sendMessage").map((call) => call.at);
    expect(arrivals).toHaveLength(120);
    // 120 at 30 a second take 4 s (each instance alone would send its 60 in 2 s).
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(3_500);
    // One tenth of a second's worth more than 30, and arrival jitter, may fit in a second; 60 would be doubled.
    expect(peakInWindow(arrivals, 1000)).toBeLessThan(45);
  });

  it("GIVEN a group's budget of 4 in 2 s and two instances sending it 3 each THEN 4 arrive at once and the other 2 only once the window has passed", async () => {
    const limits = { ...TELEGRAM_LIMITS, group: { points: 4, seconds: 2 } };
    const [first, second] = [instance(limits), instance(limits)];
    const group = fakeGroup("Step 2 CK study group");
    fake.addChat(group);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? first : second).send(`telegram:${group.id}`, note)),
    );

    const arrivals = fake
      .callsOf("sendMessage")
      .map((call) => call.at - started)
      .sort((a, b) => a - b);
    expect(arrivals).toHaveLength(6);
    expect(arrivals.slice(0, 4).every((at) => at < 1_000)).toBe(true);
    expect(arrivals.slice(4).every((at) => at >= 1_900)).toBe(true);
  });
});
