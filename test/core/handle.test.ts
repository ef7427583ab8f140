import { describe, expect, it } from "vitest";
import * as z from "zod";
import { commands } from "../../commands/index.ts";
import { type Caller, defineCommand, defineCommandGroup } from "../../src/core/command.ts";
import { leavesOf } from "../../src/core/dispatch.ts";
import type { Logger } from "../../src/core/ports.ts";
import { manage, privateOnly, repliesPrivately } from "../../src/core/preconditions.ts";
import { paragraph, reply } from "../../src/core/reply.ts";
import { createRateLimit } from "../../src/limits/rateLimit.ts";
import { memoryBackend } from "../../src/store/memory/memoryStore.ts";
import { BOOM, boom } from "../fixtures/boom.ts";
import { sampleCommands } from "../fixtures/sampleCommands.ts";
import { respond, runLine, testContext } from "../helpers.ts";

const inPrivate: Caller = { userId: "x:1", address: "x:1", chatKind: "private" };
const member: Caller = { userId: "x:2", address: "x:-9", chatKind: "group", canManage: async () => false };
const admin: Caller = { ...member, userId: "x:3", canManage: async () => true };

const mine = defineCommand({
  name: "mine",
  description: "Shows something personal",
  options: z.object({
    day: z.iso.date().describe("A day"),
    note: z.string().max(5).optional().describe("A note"),
  }),
  preconditions: [privateOnly],
  run: ({ day }) => reply({ blocks: [paragraph(`Yours for ${day}.`)] }),
});
const settings = defineCommandGroup({
  name: "settings",
  description: "Group settings",
  subcommands: [
    defineCommand({
      name: "set",
      description: "Change them",
      options: z.object({}),
      preconditions: [manage],
      run: () => reply({ blocks: [paragraph("Changed.")] }),
    }),
    defineCommand({
      name: "show",
      description: "Show them",
      options: z.object({}),
      run: () => reply({ blocks: [paragraph("Shown.")] }),
    }),
  ],
});
const testRegistry = [mine, settings, boom];

async function context(caller: Caller, registry = testRegistry) {
  const base = await testContext();
  return { ...base, caller, commands: registry };
}

describe("the core's entry point: what is for the bot", () => {
  it("GIVEN plain text in a private chat THEN it is a question for /ask", async () => {
    const response = await runLine("do programs still care about step 1?", {
      ...(await testContext()),
      caller: inPrivate,
    });
    expect(response).toMatchObject({ ok: true, command: "ask", to: "chat" });
  });

  it("GIVEN plain text or another bot's command in a group, not addressed to the bot THEN it is ignored and not logged", async () => {
    const logged: object[] = [];
    const logger: Logger = { debug() {}, info: (o) => logged.push(o), warn() {}, error() {} };
    const ctx = { ...(await testContext({ logger })), caller: member };
    expect(await respond("good luck everyone", ctx, { addressed: false })).toEqual({ kind: "ignored" });
    expect(await respond("/weather", ctx, { addressed: false })).toEqual({ kind: "ignored" });
    expect(logged).toEqual([]);
  });

  it("GIVEN an unknown command addressed to the bot THEN the sender alone is told which exist", async () => {
    const response = await runLine("/weather", { ...(await testContext()), caller: member });
    expect(response).toMatchObject({ ok: false, to: "sender" });
    expect(String(response.reply.data.error)).toMatch(/There is no command \/weather\. Commands: \/ask, /);
  });

  it("GIVEN a command the platform parsed that this version lacks THEN it says it is not available any more", async () => {
    const input = { kind: "command" as const, name: "retired", options: {} };
    const response = await runLine(input, await context(admin));
    expect(String(response.reply.data.error)).toMatch(/\/retired is not available any more/);
  });
});

describe("the core's entry point: preconditions and who sees the reply", () => {
  it("GIVEN every personal command of the registry THEN its reply is for the sender alone wherever it can be, and refused in groups where it cannot", async () => {
    const personal = leavesOf(commands).filter(({ leaf }) => repliesPrivately(leaf));
    expect(personal.map((p) => p.path)).toContain("score add");
    for (const { path } of personal) {
      const line = sampleCommands[path] ?? "";
      const { repositories: store } = memoryBackend();
      const inDm = await runLine(line, { ...(await testContext({ store })), caller: inPrivate });
      expect(inDm.to, path).toBe("sender");
      const ephemeral = await runLine(
        line,
        { ...(await testContext({ store })), caller: admin },
        { ephemeral: true },
      );
      expect(ephemeral.to, path).toBe("sender");
      const group = await runLine(line, { ...(await testContext({ store })), caller: admin });
      expect(group, path).toMatchObject({ ok: false, to: "chat", refusal: "private_only" });
      expect(String(group.reply.data.error)).toBe(
        `/${path} works with your personal data, so I only answer it in a private chat.`,
      );
    }
  });

  it("GIVEN a managing subcommand in a group THEN members are refused privately and managers run it for the group", async () => {
    const refused = await runLine("/settings set", await context(member));
    expect(refused).toMatchObject({ ok: false, to: "sender", refusal: "manage" });
    expect(String(refused.reply.data.error)).toBe(
      "Only people who manage this group can use /settings set here.",
    );
    expect(await runLine("/settings set", await context(admin))).toMatchObject({ ok: true, to: "chat" });
    expect(await runLine("/settings show", await context(member))).toMatchObject({ ok: true, to: "chat" });
    expect(await runLine("/settings set", await context(inPrivate))).toMatchObject({ ok: true });
  });

  it("GIVEN the rate limit spent THEN the first refusal is said to the sender and the rest are silent", async () => {
    const base = await testContext({ limits: createRateLimit(1, 60) });
    const ctx = { ...base, caller: inPrivate, commands: testRegistry };
    await runLine("/settings show", ctx);
    expect(await respond("/settings show", ctx)).toMatchObject({
      kind: "reply",
      to: "sender",
      refusal: "rate_limit",
    });
    expect(await respond("/settings show", ctx)).toEqual({
      kind: "silent",
      command: "settings",
      refusal: "rate_limit",
    });
  });
});

describe("the core's entry point: asking for what is missing", () => {
  it("GIVEN missing required options where the adapter can ask THEN it asks, with what was given so far", async () => {
    const response = await respond("/mine note:hi", await context(inPrivate), { canAsk: true });
    expect(response).toMatchObject({ kind: "ask", command: "mine", raw: { note: "hi" } });
  });

  it("GIVEN a group named without a subcommand where the adapter can ask THEN it asks which", async () => {
    const response = await respond("/settings", await context(member), { canAsk: true });
    expect(response).toMatchObject({ kind: "ask", target: { kind: "group" } });
  });

  it("GIVEN an option already wrong, or no way to ask THEN the error comes at once, with the usage", async () => {
    const wrong = await respond("/mine note:toolong", await context(inPrivate), { canAsk: true });
    expect(wrong).toMatchObject({ kind: "reply", ok: false });
    const cannot = await runLine("/mine", await context(inPrivate));
    expect(String(cannot.reply.data.error)).toMatch(/`day` is missing/);
  });

  it("GIVEN a personal command with missing options in a group THEN it is refused before anything is asked", async () => {
    const response = await respond("/mine", await context(admin), { canAsk: true });
    expect(response).toMatchObject({ kind: "reply", refusal: "private_only" });
  });
});

describe("the core's entry point: failures and the log", () => {
  it("GIVEN a handler that crashes THEN the sender sees the request's id, which the log has with the error", async () => {
    const lines: Array<[string, Record<string, unknown>]> = [];
    const at = (level: string) => (obj: object) => lines.push([level, obj as Record<string, unknown>]);
    const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
    const base = await testContext({ logger });
    const response = await runLine("/boom", {
      ...base,
      caller: admin,
      commands: testRegistry,
      requestId: "u-77",
    });
    expect(response).toMatchObject({ ok: false, to: "sender" });
    expect(String(response.reply.data.error)).toContain("(reference u-77)");
    expect(String(response.reply.data.error)).not.toContain(BOOM);
    const [error, command] = lines;
    expect(error).toEqual(["error", expect.objectContaining({ requestId: "u-77", command: "boom" })]);
    // One line per event, naming the adapter it came through, never the input.
    expect(command).toEqual([
      "info",
      expect.objectContaining({ command: "boom", via: "test", ok: false, requestId: "u-77" }),
    ]);
    expect(lines).toHaveLength(2);
  });
});
