import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainTextCommand } from "../../commands/index.ts";
import type { Services } from "../../src/core/command.ts";
import { createCore, type Response } from "../../src/core/handle.ts";
import { noSchedule, silentLogger } from "../../src/core/ports.ts";
import { createRateLimit } from "../../src/limits/rateLimit.ts";
import { type MemoryStore, memoryBackend } from "../../src/store/memory/memoryStore.ts";
import { BOOM } from "../fixtures/boom.ts";
import { sampleCommands } from "../fixtures/sampleCommands.ts";
import { type LogLine, memoryContext, recordingLogger, testContext } from "../helpers.ts";
import { consoleDriver } from "./console.ts";
import { discordDriver } from "./discord.ts";
import {
  contractCommands,
  type Driver,
  linksOf,
  normalize,
  piecesOf,
  type Seen,
  type Shown,
  sameUrl,
  type Where,
} from "./driver.ts";
import { telegramDriver } from "./telegram.ts";

/**
 * The contract every adapter passes, for every command: what the core decides is what people are
 * shown, all of it (title, body, fields, sources, note), and only to whom it is for: personal
 * replies never where others can read them; repeated rate-limit refusals never at all; failures
 * quote the request's id. A new platform adds its driver to this list.
 */
const drivers: Array<() => Driver> = [consoleDriver, telegramDriver, discordDriver];

/** What the core decides for this line, by this caller, over a copy of the data the adapter sees. */
function expectedFor(
  services: Services,
  document: MemoryStore,
  driver: Driver,
  line: string,
  where: Where,
): Promise<Response> {
  const twin = createCore(
    {
      ...services,
      store: memoryBackend(structuredClone(document.read())).repositories,
      logger: silentLogger,
      nudges: noSchedule,
    },
    contractCommands,
    { plainText: plainTextCommand },
  );
  return twin.handle({
    via: "contract",
    requestId: "expected",
    caller: driver.caller(where),
    input: { kind: "text", text: line },
    addressed: true,
    ephemeral: where === "group" && driver.ephemeral,
    canAsk: driver.canAsk,
  });
}

const textOf = (shown: readonly Shown[]) => normalize(shown.map((s) => s.text).join("\n"));

/** Every piece of the reply, and every source link, is in what was shown. */
function expectWhole(shown: readonly Shown[], expected: Response & { kind: "reply" }, label: string): void {
  const text = textOf(shown);
  for (const piece of piecesOf(expected.reply))
    expect(text, `${label}: "${piece}"`).toContain(normalize(piece));
  const links = shown.flatMap((s) => s.links).map(sameUrl);
  for (const url of linksOf(expected.reply)) expect(links, label).toContain(sameUrl(url));
  const files = shown.flatMap((s) => s.files ?? []);
  for (const file of expected.reply.files ?? []) {
    const arrived = files.some(
      (f) => f.data.equals(Buffer.from(file.data)) && (f.name === undefined || f.name === file.name),
    );
    expect(arrived, `${label}: the file ${file.name} arrived whole`).toBe(true);
  }
  expect(files, label).toHaveLength(expected.reply.files?.length ?? 0);
}

/** The reply reached its audience: all of it, and nothing of it where it does not belong. */
function expectDelivered(seen: Seen, expected: Response, where: Where, label: string): void {
  if (expected.kind !== "reply") throw new Error(`${label}: the core did not answer (${expected.kind})`);
  if (where === "private") {
    expect(seen.visible, label).toEqual([]);
    expectWhole(seen.personal, expected, label);
    return;
  }
  if (expected.to === "chat") {
    expectWhole(seen.visible, expected, label);
    return;
  }
  // For the sender alone: all of it reaches them, none of it the group.
  expectWhole(seen.personal, expected, label);
  expect(
    seen.visible.flatMap((s) => s.files ?? []),
    `${label}: files shown to the group`,
  ).toEqual([]);
  const everyone = textOf(seen.visible);
  for (const piece of piecesOf(expected.reply).filter((p) => p.length >= 8)) {
    expect(everyone, `${label}: "${piece}" was shown to the group`).not.toContain(normalize(piece));
  }
}

describe.each(drivers.map((create) => [create().name, create] as const))(
  "%s adapter contract",
  (_name, create) => {
    const driver = create();
    const logger = recordingLogger();
    let services: Services;
    let document: MemoryStore;

    beforeAll(async () => {
      ({
        ctx: { services },
        document,
      } = await memoryContext({ logger }));
      await driver.start(
        createCore(services, contractCommands, { plainText: plainTextCommand }),
        logger.lines,
      );
    });
    afterAll(() => driver.stop());

    // In order, as the samples assume (`/score remove` removes what `/score add` added).
    it.each(Object.entries(sampleCommands))(
      "GIVEN /%s in a private chat THEN the whole reply arrives there",
      async (path, line) => {
        const expected = await expectedFor(services, document, driver, line, "private");
        expect(expected, path).toMatchObject({ kind: "reply", ok: true });
        const { seen } = await driver.send(line, "private", expected);
        expectDelivered(seen, expected, "private", path);
      },
    );

    // Only platforms with groups get the group cases (the console has none), so nothing is skipped.
    if (driver.groups) {
      it.each(Object.entries(sampleCommands))(
        "GIVEN /%s in a group THEN the group sees it, or only the sender does when it is theirs alone",
        async (path, line) => {
          const expected = await expectedFor(services, document, driver, line, "group");
          const { seen } = await driver.send(line, "group", expected);
          expectDelivered(seen, expected, "group", path);
        },
      );

      it("GIVEN /ask with the asker's own score in a group THEN only the sender sees the answer", async () => {
        const line = "/ask is 240 on ck good enough for psych";
        const expected = await expectedFor(services, document, driver, line, "group");
        expect(expected).toMatchObject({ kind: "reply", ok: true, to: "sender" });
        const { seen } = await driver.send(line, "group", expected);
        expectDelivered(seen, expected, "group", "ask with a score");
      });
    }

    // Every adapter offers choices: buttons on Telegram and Discord, numbers in the console.
    const press = driver.press?.bind(driver);
    if (press) {
      it.each(driver.groups ? (["private", "group"] as const) : (["private"] as const))(
        "GIVEN a declined /ask in a %s chat THEN its closest entries are offered, and picking one answers with that entry",
        async (where) => {
          const line = "/ask is the ECFMG thing hard for people from my country";
          const declined = await expectedFor(services, document, driver, line, where);
          if (declined.kind !== "reply") throw new Error(`the core did not answer (${declined.kind})`);
          const choices = declined.reply.choices ?? [];
          expect(choices).toHaveLength(5);
          const { seen } = await driver.send(line, where, declined);
          expectDelivered(seen, declined, where, "declined ask");
          const shown = (where === "group" ? seen.visible : seen.personal).flatMap((s) => s.choices ?? []);
          expect(shown).toHaveLength(choices.length);
          // A platform may shorten a label (Discord: 80 characters) but keeps its start.
          shown.forEach((label, i) => {
            expect(choices[i]?.label.startsWith(label.replace(/…$/, "")), label).toBe(true);
          });

          const [first] = choices;
          const tapped = await expectedFor(services, document, driver, first?.line ?? "", where);
          expect(tapped).toMatchObject({ kind: "reply", ok: true, reply: { title: first?.label } });
          const afterTap = await press(shown[0] ?? "", where, tapped);
          // An ephemeral platform answers a tap to the one who tapped; the others answer in the chat.
          const audience = driver.ephemeral ? ({ ...tapped, to: "sender" } as const) : tapped;
          expectDelivered(afterTap, audience, where, "tapped choice");
        },
      );
    }

    it("GIVEN a reply with a calendar and a picture in a private chat THEN both files arrive whole with it", async () => {
      const expected = await expectedFor(services, document, driver, "/attach", "private");
      expect(expected).toMatchObject({ kind: "reply", ok: true });
      const { seen } = await driver.send("/attach", "private", expected);
      expectDelivered(seen, expected, "private", "attach");
    });

    if (driver.groups) {
      it("GIVEN a reply with files in a group THEN the group gets them; a personal one reaches the sender alone", async () => {
        for (const line of ["/attach", "/attachmine"]) {
          const expected = await expectedFor(services, document, driver, line, "group");
          const { seen } = await driver.send(line, "group", expected);
          expectDelivered(seen, expected, "group", line);
        }
      });
    }

    it("GIVEN a command that fails THEN the sender gets a reply quoting the request id the log has with the error", async () => {
      const expected = await expectedFor(services, document, driver, "/boom", "private");
      const { seen, requestId } = await driver.send("/boom", "private", expected);
      const failure = logger.lines.filter((line: LogLine) => line.msg === "command failed").at(-1);
      const logged = String(failure?.obj.requestId);
      expect(String(failure?.obj.err)).toContain(BOOM);
      if (requestId !== undefined) expect(logged).toBe(requestId);
      expect(textOf(seen.personal)).toContain(`(reference ${logged})`);
      expect(textOf(seen.personal)).not.toContain(BOOM);
    });
  },
);

describe.each(drivers.map((create) => [create().name, create] as const))(
  "%s adapter under a flood",
  (_name, create) => {
    it("GIVEN six quick commands from one person with room for two THEN two answers, exactly one refusal, then silence", async () => {
      const driver = create();
      const logger = recordingLogger();
      const { services } = await testContext({
        logger,
        limits: createRateLimit(2, 60),
      });
      await driver.start(
        createCore(services, contractCommands, { plainText: plainTextCommand }),
        logger.lines,
      );
      try {
        const seen = await driver.flood("/about", 6);
        const texts = seen.personal.map((s) => s.text);
        expect(seen.visible).toEqual([]);
        expect(texts.filter((t) => t.includes("About Stepwise"))).toHaveLength(2);
        expect(texts.filter((t) => t.includes("You're sending commands faster"))).toHaveLength(1);
        expect(texts).toHaveLength(3);
      } finally {
        await driver.stop();
      }
    });
  },
);
