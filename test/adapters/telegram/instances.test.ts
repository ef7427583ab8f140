import type { Update, User } from "grammy/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commands, plainTextCommand } from "../../../commands/index.ts";
import { createTelegramAdapter, SECOND_POLLER } from "../../../src/adapters/telegram/index.ts";
import { telegram } from "../../../src/adapters/telegram/platform.ts";
import type { WebhookSettings } from "../../../src/adapters/telegram/webhook.ts";
import { ConfigError } from "../../../src/config.ts";
import { createCore } from "../../../src/core/handle.ts";
import { type Adapter, type Leases, silentLogger, soleProcess } from "../../../src/core/ports.ts";
import { inMemory } from "../../../src/limits/limiters.ts";
import { postgresLeases } from "../../../src/store/postgres/leases.ts";
import { FakeTelegram, fakeUser, privateChatOf } from "../../fakes/telegram/server.ts";
import { testContext } from "../../helpers.ts";
import { freePort } from "../../net.ts";
import { type TestSchema, testSchema } from "../../postgres/schema.ts";

/**
 * Telegram with several instances: webhook mode (the real grammY client's webhook callback on
 * Node's http server, the fake Bot API posting updates to it with the secret header), and the
 * lock that refuses a second long poller on the same database.
 */

const SECRET = "s3cret-for-the-webhook-0123456789";

let fake: FakeTelegram;
const running: Adapter[] = [];

beforeEach(async () => {
  fake = new FakeTelegram({ maxPollMs: 100 });
  await fake.start();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((adapter) => adapter.stop()));
  await fake.stop();
});

/** An instance of the bot (the real adapter over a memory store), started. */
async function instance(options: { webhook?: WebhookSettings; leases?: Leases } = {}): Promise<Adapter> {
  const { services } = await testContext();
  const core = createCore(services, commands, { plainText: plainTextCommand });
  const adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, core, ...options });
  await adapter.start();
  running.push(adapter);
  return adapter;
}

async function webhookOn(port: number): Promise<WebhookSettings> {
  return { url: `http://127.0.0.1:${port}/telegram/updates`, secret: SECRET, host: "127.0.0.1", port };
}

/** The update Telegram sends when a person types /about to the bot in private. */
function aboutFrom(person: User, updateId: number): Update {
  return {
    update_id: updateId,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: privateChatOf(person),
      from: person,
      text: "/about",
      entities: [{ type: "bot_command", offset: 0, length: "/about".length }],
    },
  };
}

/** Posts an update to an instance's webhook as a load balancer would pass Telegram's request on. */
function post(url: string, update: Update, secret?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }),
    },
    body: JSON.stringify(update),
  });
}

describe("Telegram webhook mode", () => {
  it("GIVEN TELEGRAM_WEBHOOK_URL and a secret THEN the bot sets the webhook with secret_token, never polls, and answers the updates Telegram posts to it", async () => {
    const webhook = await webhookOn(await freePort());
    await instance({ webhook });

    expect(fake.webhook).toEqual({
      url: webhook.url,
      secret_token: SECRET,
      allowed_updates: ["message", "callback_query", "my_chat_member"],
    });
    const amina = fakeUser("Amina");
    const chat = privateChatOf(amina);
    fake.userSays(amina, chat, "/about");
    const answer = await fake.nextMessage(chat.id, 0);
    expect(answer.message.text).toContain("Stepwise");
    await fake.webhookIdle();
    expect(fake.webhookDeliveries).toEqual([{ updateId: 1, status: 200 }]);
    const methods = new Set(fake.calls.map((call) => call.method));
    expect(methods.has("getUpdates")).toBe(false);
    expect(methods.has("deleteWebhook")).toBe(false);
  });

  it("GIVEN the webhook's variables in the environment THEN the platform starts the adapter in webhook mode on that host and port", async () => {
    const port = await freePort();
    const configured = telegram.configure({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_HOST: "127.0.0.1",
      TELEGRAM_WEBHOOK_PORT: String(port),
    });
    if (!configured.ok) throw new Error(configured.issues.join("; "));
    expect(configured.receiving).toBe("webhook");
    const { services } = await testContext();
    const adapter = await configured.create(createCore(services, commands), {
      logger: silentLogger,
      leases: soleProcess,
      limiters: inMemory,
    });
    await adapter.start();
    running.push(adapter);
    expect(fake.webhook).toMatchObject({ url: `http://127.0.0.1:${port}/hook`, secret_token: SECRET });
    const amina = fakeUser("Amina");
    fake.userSays(amina, privateChatOf(amina), "/about");
    expect((await fake.nextMessage(amina.id, 0)).message.text).toContain("Stepwise");
  });

  it("GIVEN a request without the secret header, or with a wrong one THEN it is refused with 401 and nothing is handled", async () => {
    const webhook = await webhookOn(await freePort());
    await instance({ webhook });
    const amina = fakeUser("Amina");
    const update = aboutFrom(amina, 900);

    expect((await post(webhook.url, update)).status).toBe(401);
    expect((await post(webhook.url, update, "not-the-secret-0123456789")).status).toBe(401);
    // Other paths and methods are not the webhook.
    expect((await post(webhook.url.replace("/updates", "/other"), update, SECRET)).status).toBe(404);
    expect((await fetch(webhook.url)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.callsOf("sendMessage")).toEqual([]);

    expect((await post(webhook.url, update, SECRET)).status).toBe(200);
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
  });

  it("GIVEN two instances in webhook mode behind one address THEN each answers the updates that reach it", async () => {
    const first = await webhookOn(await freePort());
    const second = await webhookOn(await freePort());
    await instance({ webhook: first });
    await instance({ webhook: second });
    const people = [fakeUser("Amina"), fakeUser("Bilal")];
    const [toFirst, toSecond] = people.map((person, i) => aboutFrom(person, 1000 + i)) as [Update, Update];

    // The load balancer sends one update to each instance.
    expect((await post(first.url, toFirst, SECRET)).status).toBe(200);
    expect((await post(second.url, toSecond, SECRET)).status).toBe(200);
    const answered = fake.callsOf("sendMessage").map((call) => call.payload.chat_id);
    expect(answered.sort()).toEqual(people.map((person) => person.id).sort());
  });
});

describe("one long poller per bot on a database", () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await testSchema();
  });
  afterAll(() => schema.drop());

  it("GIVEN an instance long-polling on a database THEN a second poller is refused with a message naming webhook mode, the first goes on, and once it stops a new one may poll", async () => {
    const leases = () => postgresLeases({ url: schema.url, schema: schema.schema }, silentLogger);
    const first = await instance({ leases: leases() });
    await fake.waitFor(() => fake.callsOf("getUpdates").length > 0);

    const refused = await instance({ leases: leases() }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toBe(SECOND_POLLER);
    expect(SECOND_POLLER).toMatch(/TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET/);
    expect(SECOND_POLLER).toMatch(/--role worker/);

    // The first still receives: no second getUpdates ended its poll with 409.
    const amina = fakeUser("Amina");
    fake.userSays(amina, privateChatOf(amina), "/about");
    expect((await fake.nextMessage(amina.id, 0)).message.text).toContain("Stepwise");

    await first.stop();
    running.splice(running.indexOf(first), 1);
    await instance({ leases: leases() });
  });
});
