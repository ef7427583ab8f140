import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineCommand, defineCommandGroup } from "../../src/core/command.ts";
import { resolveText } from "../../src/core/dispatch.ts";
import { formatUsage } from "../../src/core/options.ts";
import { paragraph, reply } from "../../src/core/reply.ts";
import { parseTextCommand } from "../../src/core/textCommand.ts";
import { BOOM, boom } from "../fixtures/boom.ts";
import { runLine, testContext } from "../helpers.ts";

const calls: unknown[] = [];

const add = defineCommand({
  name: "add",
  description: "Log a practice score",
  options: z.object({
    exam: z.enum(["step1", "step2ck", "step3"]).describe("Which exam"),
    test: z.string().min(1).max(60).describe("Name of the practice test"),
    score: z.number().int().min(1).max(300).describe("Three-digit score"),
    date: z.iso.date().optional().describe("Day you took it"),
  }),
  run(input) {
    calls.push(input);
    return reply({ blocks: [paragraph("saved")] });
  },
});

const list = defineCommand({
  name: "list",
  description: "List scores",
  options: z.object({}),
  run: () => reply({ blocks: [paragraph("listed")] }),
});

const score = defineCommandGroup({
  name: "score",
  description: "Practice scores",
  subcommands: [add, list],
  defaultSubcommand: "list",
});

async function run(line: string) {
  const base = await testContext();
  const ctx = { ...base, commands: [score, boom] };
  return runLine(line, ctx);
}

describe("dispatch of text commands", () => {
  it("GIVEN valid options THEN the handler gets typed values", async () => {
    calls.length = 0;
    const outcome = await run('/score add exam:Step2CK test:"NBME 12" score:236 date:2026-10-01');
    expect(outcome.ok).toBe(true);
    expect(calls).toEqual([{ exam: "step2ck", test: "NBME 12", score: 236, date: "2026-10-01" }]);
  });

  it("GIVEN no subcommand THEN the default one runs", async () => {
    const outcome = await run("/score");
    expect(outcome.command).toBe("score list");
    expect(outcome.reply.blocks).toEqual([paragraph("listed")]);
  });

  it.each([
    ["/nope", /no command \/nope.*\/score/],
    ["/score fly", /no subcommand "fly".*add, list/],
    ["/score add exam:step1 test:x score:200 colour:red", /no option `colour`.*exam, test, score, date/],
    [
      "/score add exam:step4 test:x score:200",
      /`exam` must be one of step1, step2ck or step3 \(you typed "step4"\)/,
    ],
    [
      "/score add exam:step1 test:x score:301",
      /`score` must be a whole number from 1 to 300 \(you typed "301"\)/,
    ],
    ["/score add exam:step1 test:x score:abc", /`score` must be a whole number from 1 to 300/],
    [
      "/score add exam:step1 test:x score:200 date:2026-02-30",
      /`date` must be a real date written YYYY-MM-DD/,
    ],
    ["/score add test:x score:200", /`exam` is missing: give one of step1, step2ck or step3/],
    ["/score add exam:step1 exam:step2ck test:x score:200", /given twice/],
    ["/score add step1", /options are written name:value/],
  ])("GIVEN %s THEN a specific error and nothing runs", async (line, message) => {
    calls.length = 0;
    const outcome = await run(line);
    expect(outcome.ok).toBe(false);
    expect(outcome.to).toBe("sender");
    expect(String(outcome.reply.data.error)).toMatch(message);
    expect(calls).toEqual([]);
  });

  it("GIVEN a mistake in a known command THEN the reply carries its usage", async () => {
    const outcome = await run("/score add exam:step1");
    const text = outcome.reply.blocks.map((b) => (b.kind === "paragraph" ? b.text : "")).join("\n");
    expect(text).toContain(formatUsage("score add", add));
    expect(formatUsage("score add", add)).toBe(
      '/score add exam:<step1|step2ck|step3> test:"<test>" score:<1-300> [date:<YYYY-MM-DD>]',
    );
  });

  it("GIVEN a handler that crashes THEN the user gets a reference, not the error", async () => {
    const outcome = await run("/boom");
    expect(outcome.ok).toBe(false);
    expect(String(outcome.reply.data.error)).toContain("(reference req-1)");
    expect(String(outcome.reply.data.error)).not.toContain(BOOM);
  });
});

describe("options that pick the subcommand", () => {
  it("GIVEN a group whose options pick its subcommand THEN `/log questions:40` runs `log add` and `/log share:yes` runs `log share`, an unknown option names no subcommand; other groups take options for their default", async () => {
    const { commands } = await testContext();
    const parsed = (line: string) => {
      const text = parseTextCommand(line);
      if (!text) throw new Error(line);
      return resolveText(text, commands);
    };
    expect(parsed("/log questions:40 correct:30")).toMatchObject({
      path: "log add",
      raw: { questions: 40, correct: 30 },
    });
    expect(parsed("/log share:yes name:no")).toMatchObject({
      path: "log share",
      raw: { share: true, name: false },
    });
    expect(parsed("/log")).toMatchObject({ path: "log list" });
    expect(() => parsed("/log colour:blue")).toThrow(/has no subcommand "colour:blue"/);
    // A group whose options do not pick: options alone go to its default subcommand.
    expect(parsed("/score exam:step1")).toMatchObject({ path: "score list", raw: { exam: "step1" } });
  });
});
