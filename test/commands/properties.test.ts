import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CommandContext, LeafCommand } from "../../src/core/command.ts";
import { leavesOf } from "../../src/core/dispatch.ts";
import { describeOptions, type OptionMeta } from "../../src/core/options.ts";
import type { Logger } from "../../src/core/ports.ts";
import { memoryBackend } from "../../src/store/memory/memoryStore.ts";
import { needsSetUp, sampleCommands } from "../fixtures/sampleCommands.ts";
import { runLine, testContext } from "../helpers.ts";

const NEW_COMMANDS = [
  "target",
  "score",
  "readiness",
  "plan",
  "profile",
  "mydata",
  "forget",
  "log",
  "streak",
  "progress",
];

/** Values an option could take once it passed the schema, plus some near misses the schema must reject. */
function valueArb(meta: OptionMeta): fc.Arbitrary<unknown> {
  if (meta.choices) return fc.constantFrom(...meta.choices);
  if (meta.format === "date") {
    return fc
      .date({ min: new Date("2024-01-01"), max: new Date("2029-12-31"), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (meta.type === "boolean") return fc.boolean();
  if (meta.type === "integer" || meta.type === "number") {
    return fc.integer({ min: (meta.min ?? 0) - 1, max: (meta.max ?? 1000) + 1 });
  }
  if (meta.name === "score") {
    return fc.oneof(
      fc.integer({ min: -5, max: 320 }).map(String),
      fc.integer({ min: 0, max: 101 }).map((n) => `${n}%`),
      fc.string({ maxLength: 8 }),
    );
  }
  if (meta.name === "timezone")
    return fc.oneof(fc.constantFrom("Asia/Kolkata", "America/New_York", "UTC"), fc.string());
  if (meta.name === "id")
    return fc.oneof(fc.integer({ min: 0, max: 5 }).map(String), fc.string({ maxLength: 20 }));
  return fc.string({ maxLength: (meta.maxLength ?? 60) + 2 });
}

function inputArb(leaf: LeafCommand): fc.Arbitrary<Record<string, unknown>> {
  const metas = describeOptions(leaf.options);
  const shape = Object.fromEntries(metas.map((m) => [m.name, valueArb(m)]));
  const requiredKeys = metas.filter((m) => m.required).map((m) => m.name);
  return fc.record(shape, { requiredKeys });
}

describe("scores and profile commands under any schema-valid input", async () => {
  const leaves = leavesOf((await testContext()).commands).filter(({ path }) =>
    NEW_COMMANDS.includes(path.split(" ")[0] ?? ""),
  );

  it.each(leaves.map((l) => [l.path, l.leaf] as const))(
    "/%s never fails with an internal error",
    async (path, leaf) => {
      const errors: object[] = [];
      const logger: Logger = { debug() {}, info() {}, warn() {}, error: (obj) => errors.push(obj) };
      const base = await testContext({ logger });
      // A user with a profile and scores, so remove, readiness and plan have data to work on.
      const seed = async (ctx: CommandContext) => {
        for (const line of [
          "/profile set step1:fail step2ck_date:2027-02-01 step1_date:2027-01-10 timezone:Asia/Kolkata qbank:2000",
          "/log questions:40 correct:30 date:2026-11-24",
          '/score add exam:step2ck test:"NBME 11" score:230 date:2026-10-01',
          '/score add exam:step1 test:"NBME 30" score:85% date:2026-11-01',
        ]) {
          await runLine(line, ctx);
        }
      };
      await fc.assert(
        fc.asyncProperty(inputArb(leaf), async (raw) => {
          fc.pre(leaf.options.safeParse(raw).success);
          const ctx = { ...base, services: { ...base.services, store: memoryBackend().repositories } };
          await seed(ctx);
          const [name = "", subcommand] = path.split(" ");
          const input = {
            kind: "command" as const,
            name,
            ...(subcommand ? { subcommand } : {}),
            options: raw,
          };
          const outcome = await runLine(input, ctx);
          expect(outcome.reply.blocks.length).toBeGreaterThan(0);
          expect(errors, JSON.stringify(raw)).toEqual([]);
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe("sample command lines", () => {
  it("GIVEN one fresh memory store THEN every sample line succeeds when run in order", async () => {
    const ctx = await testContext();
    for (const [path, line] of Object.entries(sampleCommands)) {
      const outcome = await runLine(line, ctx);
      expect(outcome.ok, `${path}: ${JSON.stringify(outcome.reply.data)}`).toBe(true);
    }
  });

  it("GIVEN an empty store each THEN every sample line but the removals and the log's zone-bound lines succeeds on its own", async () => {
    for (const [path, line] of Object.entries(sampleCommands)) {
      const outcome = await runLine(line, await testContext());
      expect(outcome.ok, path).toBe(!needsSetUp.includes(path));
    }
  });
});
