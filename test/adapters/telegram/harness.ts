import type { Chat, User } from "grammy/types";
import * as z from "zod";
import { plainTextCommand, commands as registry } from "../../../commands/index.ts";
import { createTelegramAdapter } from "../../../src/adapters/telegram/index.ts";
import type { ThrottleLimits } from "../../../src/adapters/telegram/throttle.ts";
import {
  type CommandSpec,
  defineCommand,
  defineCommandGroup,
  type Services,
} from "../../../src/core/command.ts";
import { createCore } from "../../../src/core/handle.ts";
import type { Adapter } from "../../../src/core/ports.ts";
import { manage, privateOnly } from "../../../src/core/preconditions.ts";
import { fields, paragraph, reply } from "../../../src/core/reply.ts";
import { type MemoryStore, memoryBackend } from "../../../src/store/memory/memoryStore.ts";
import { type BotMessage, FakeTelegram, type FakeTelegramOptions } from "../../fakes/telegram/server.ts";
import { type LogLine, recordingLogger, testContext } from "../../helpers.ts";

export interface Harness {
  fake: FakeTelegram;
  adapter: Adapter;
  services: Services;
  /** The whole document of the memory backend the bot stores into (unless the test gave a store). */
  document: MemoryStore;
  logs: LogLine[];
  /** A user writes; resolves with the bot's next message in that chat. */
  say(user: User, chat: Chat, text: string, options?: { replyTo?: BotMessage }): Promise<BotMessage>;
  /** Resolves once the core has logged the command of this update as handled. */
  handled(updateId: number): Promise<LogLine>;
  stop(): Promise<void>;
}

/** The real adapter, started against a fresh fake Bot API, over the real knowledge base. */
export async function startTelegram(
  options: {
    commands?: readonly CommandSpec[];
    fake?: FakeTelegramOptions;
    services?: Partial<Services>;
    limits?: ThrottleLimits;
  } = {},
): Promise<Harness> {
  const fake = new FakeTelegram(options.fake);
  const apiRoot = await fake.start();
  const logger = recordingLogger();
  const entries = logger.lines;
  const base = await testContext();
  const memory = memoryBackend();
  const services: Services = { ...base.services, logger, store: memory.repositories, ...options.services };
  const core = createCore(services, options.commands ?? registry, { plainText: plainTextCommand });
  const adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot,
    core,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  await adapter.start();
  return {
    fake,
    adapter,
    services,
    document: memory.document,
    logs: entries,
    async say(user, chat, text, sayOptions = {}) {
      const seen = fake.messagesIn(chat.id).length;
      fake.userSays(user, chat, text, sayOptions.replyTo ? { replyTo: sayOptions.replyTo.message } : {});
      return fake.nextMessage(chat.id, seen);
    },
    handled(updateId) {
      return fake.waitFor(() =>
        entries.find((e) => e.msg === "command" && e.obj.requestId === String(updateId)),
      );
    },
    async stop() {
      await adapter.stop();
      await fake.stop();
    },
  };
}

/** A gate a test opens when it wants a slow command to finish. */
export class Gate {
  private opened!: () => void;
  readonly passed = new Promise<void>((resolve) => {
    this.opened = resolve;
  });
  open(): void {
    this.opened();
  }
}

export const gates: { slow: Gate } = { slow: new Gate() };

/** A registry for tests: option kinds the real commands may not have yet, in this branch. */
export const testCommands: readonly CommandSpec[] = [
  defineCommand({
    name: "checkin",
    description: "Record how a study day went",
    options: z.object({
      step1: z.enum(["pass", "fail", "not_taken"]).describe("Your Step 1 result"),
      hours: z.number().int().min(1).max(16).describe("Hours studied that day"),
      day: z.iso.date().describe("The day it was"),
      note: z.string().max(100).optional().describe("Anything to add"),
    }),
    run(input) {
      return reply({
        title: "Check-in saved",
        blocks: [fields({ "Step 1": input.step1, Hours: String(input.hours), Day: input.day })],
        data: input,
      });
    },
  }),
  defineCommand({
    name: "mystatus",
    description: "Show your stored Step 2 CK score",
    options: z.object({}),
    preconditions: [privateOnly],
    async run(_input, { caller, services }) {
      const score = (await services.store.profiles.get(caller.userId)).step2ck_score;
      return reply({
        title: "Your status",
        blocks: [paragraph(score === undefined ? "No score stored." : `Step 2 CK score: ${score}`)],
        data: { score },
      });
    },
  }),
  defineCommand({
    name: "groupsetting",
    description: "Change a setting of this group",
    options: z.object({}),
    preconditions: [manage],
    run() {
      return reply({ blocks: [paragraph("Group setting saved.")] });
    },
  }),
  defineCommand({
    name: "repeat",
    description: "Repeat a text a number of times",
    options: z.object({
      times: z.number().int().min(1).max(2000).describe("How many times"),
      text: z.string().max(500).describe("The text to repeat"),
      spaced: z.boolean().optional().describe("One paragraph per repetition"),
    }),
    run({ times, text, spaced }) {
      const copies = Array.from({ length: times }, () => text);
      return reply({
        title: text,
        blocks: spaced ? copies.map((copy) => paragraph(copy)) : [paragraph(copies.join(""))],
        footer: {
          sources: [{ title: text, url: `https://example.org/?q=${encodeURIComponent(text)}&x="1"` }],
        },
      });
    },
  }),
  defineCommand({
    name: "slow",
    description: "Answers when the test says so",
    options: z.object({}),
    async run() {
      await gates.slow.passed;
      return reply({ blocks: [paragraph("Slow answer.")] });
    },
  }),
  defineCommandGroup({
    name: "demo",
    description: "Try subcommands",
    subcommands: [
      defineCommand({
        name: "one",
        description: "The first one",
        options: z.object({}),
        run: () => reply({ blocks: [paragraph("Demo one ran.")] }),
      }),
      defineCommand({
        name: "two",
        description: "The second one",
        options: z.object({ level: z.enum(["low", "high"]).describe("How much") }),
        run: ({ level }) => reply({ blocks: [paragraph(`Demo two ran at ${level}.`)] }),
      }),
    ],
  }),
];
