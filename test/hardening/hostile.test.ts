import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commands } from "../../commands/index.ts";
import type { Caller, CommandContext } from "../../src/core/command.ts";
import { leavesOf } from "../../src/core/dispatch.ts";
import type { Logger } from "../../src/core/ports.ts";
import { memoryBackend } from "../../src/store/memory/memoryStore.ts";
import { respond, testContext } from "../helpers.ts";
import { commandLines, hasLoneSurrogate, hostileText, hugeText, linesFor, textsOf } from "./hostileText.ts";
import { checkEveryPlatform } from "./platformChecks.ts";

const leaves = leavesOf(commands);
const hugeWord = hugeText.map((text) => text.replace(/\s/g, "") || "x");
const names = commands.map((spec) => spec.name);

/** Who sends the lines, and where: a private chat, a group without ephemeral replies, a group with them. */
interface Where {
  caller: Caller;
  ephemeral: boolean;
}

const callers: Where[] = [
  { caller: { userId: "a:tester", address: "a:local", chatKind: "private" }, ephemeral: false },
  {
    caller: { userId: "b:43", address: "b:-100", chatKind: "group", canManage: async () => false },
    ephemeral: false,
  },
  {
    caller: { userId: "c:7", address: "c:99", chatKind: "group", canManage: async () => true },
    ephemeral: true,
  },
];

const { command: anyCommandLine, any: anyLine } = commandLines(commands);

/**
 * Runs lines in order, as one person in one chat over a fresh store, checking each outcome: no
 * throw, no internal error, nothing written on an error, and a reply every platform can show.
 */
async function runChecked(lines: readonly string[], { caller, ephemeral }: Where): Promise<void> {
  const failures: object[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (obj) => failures.push(obj) };
  const { repositories, document: store } = memoryBackend();
  const base = await testContext({ logger, store: repositories });
  const ctx: CommandContext = { ...base, caller };
  // Valid Unicode in, valid Unicode out: what was typed so far may be echoed from the store.
  let typedValid = true;
  for (const line of lines) {
    typedValid &&= !hasLoneSurrogate(line);
    const before = JSON.stringify(store.read());
    const outcome = await respond(line, ctx, { ephemeral });
    if (outcome.kind !== "reply") {
      // Only a blank line is nothing to answer.
      expect(outcome.kind, line).toBe("ignored");
      expect(line.trim()).toBe("");
      continue;
    }
    const texts = textsOf(outcome.reply);
    expect(failures, line).toEqual([]);
    expect(texts.join("\n")).not.toContain("Something went wrong on our side");
    if (!outcome.ok) expect(JSON.stringify(store.read()), "an error changed the store").toBe(before);
    if (typedValid) expect(texts.some(hasLoneSurrogate), "the reply cut a character").toBe(false);
    const shown = checkEveryPlatform(outcome.reply);
    // A refusal quotes at most a little of what was typed: one message, however long the line.
    if (!outcome.ok)
      expect([shown.telegram.length, shown.discord.length], line.slice(0, 200)).toEqual([1, 1]);
  }
}

const callerArb = fc.constantFrom(...callers);

describe("hostile command lines through the engine and every renderer", () => {
  it.each(leaves.map(({ path, leaf }) => [path, leaf] as const))(
    "GIVEN /%s with generated options THEN it answers or refuses cleanly, on every platform",
    async (path, leaf) => {
      // A few lines per run, so what one line stores (a hostile test name) is shown by the next.
      const line = linesFor(path, leaf);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof({ arbitrary: line, weight: 3 }, anyCommandLine), { minLength: 1, maxLength: 4 }),
          callerArb,
          runChecked,
        ),
        { numRuns: 100 },
      );
    },
  );

  it("GIVEN any line at all, in sequences THEN nothing throws and every reply fits every platform", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyLine, { minLength: 1, maxLength: 5 }), callerArb, runChecked),
      { numRuns: 300 },
    );
  });

  it("GIVEN free text for /ask THEN it is answered or refused, never an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText(80), callerArb, (text, caller) =>
        runChecked([`/ask ${text}`, text], caller),
      ),
      { numRuns: 300 },
    );
  });

  it("GIVEN lines of 50-100 KB THEN they are answered, or refused in one short message", async () => {
    const huge = fc.oneof(
      hugeText.map((text) => `/ask ${text}`),
      hugeText.map((text) => `/score add exam:step1 score:85% test:"${text}"`),
      hugeText.map((text) => `/help ${text}`),
      fc
        .tuple(fc.constantFrom(...leaves.map((l) => l.path)), hugeText)
        .map(([path, text]) => `/${path} ${text}`),
      hugeText.map((text) => `/profile set timezone:${text}`),
      // One word of 100 KB: a name, a subcommand, a value the tokenizer cannot split.
      hugeWord.map((word) => `/${word}`),
      fc
        .tuple(fc.constantFrom(...names, ...leaves.map((l) => l.path)), hugeWord)
        .map(([path, word]) => `/${path} ${word}`),
      hugeText,
    );
    await fc.assert(
      fc.asyncProperty(huge, callerArb, (line, caller) => runChecked([line], caller)),
      {
        numRuns: 30,
      },
    );
  });
});
