import { randomUUID } from "node:crypto";
import type { Target } from "../../core/dispatch.ts";
import type { Input } from "../../core/handle.ts";
import {
  coerceTextValue,
  expectation,
  missingOptions,
  type OptionMeta,
  optionProblem,
} from "../../core/options.ts";
import type { Clock } from "../../core/ports.ts";

/**
 * Guided input: a command sent without its required options asks for them one at a time.
 * The state is a small record per chat and user (what is known so far); the next question is
 * always derived from it, so there is no step list to keep in sync. Kept in memory: an
 * unanswered question simply expires, and a restart asks the person to send the command again.
 */

export interface Flow {
  /** Short id carried in button data, so a button from an older flow is recognised as stale. */
  readonly id: string;
  readonly chatId: number;
  readonly userId: number;
  target: Target;
  raw: Record<string, unknown>;
  /** How many questions were asked; button data carries it so one question is answered once. */
  asked: number;
  /** The message holding the current question (its buttons, or the one to reply to in groups). */
  promptMessageId?: number;
  expiresAt: number;
}

/** A question: with choices it is answered by a button, without them by typing. */
export interface Question {
  title: string;
  prompt: string;
  choices?: readonly string[];
  /** What a typed answer must look like; undefined for button questions. */
  expects?: string;
}

export type Answer = { ok: true; value: string } | { ok: false; message: string };

const TTL_MS = 15 * 60_000;

/** The open flows, at most one per person per chat. */
export class GuidedInputs {
  private readonly flows = new Map<string, Flow>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = TTL_MS,
  ) {}

  /** Starts a flow for this person in this chat, replacing any earlier one. */
  begin(chatId: number, userId: number, target: Target, raw: Record<string, unknown>): Flow {
    this.prune();
    const flow: Flow = {
      id: randomUUID().replaceAll("-", "").slice(0, 10),
      chatId,
      userId,
      target,
      raw: { ...raw },
      asked: 0,
      expiresAt: this.clock.now().getTime() + this.ttlMs,
    };
    this.flows.set(keyOf(chatId, userId), flow);
    return flow;
  }

  /** This person's open flow in this chat, if it has not expired. */
  current(chatId: number, userId: number): Flow | undefined {
    const flow = this.flows.get(keyOf(chatId, userId));
    if (!flow) return undefined;
    if (flow.expiresAt > this.clock.now().getTime()) return flow;
    this.flows.delete(keyOf(chatId, userId));
    return undefined;
  }

  /** Keeps a flow alive while the person is answering. */
  touch(flow: Flow): void {
    flow.expiresAt = this.clock.now().getTime() + this.ttlMs;
  }

  end(flow: Flow): void {
    const key = keyOf(flow.chatId, flow.userId);
    if (this.flows.get(key) === flow) this.flows.delete(key);
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [key, flow] of this.flows) if (flow.expiresAt <= now) this.flows.delete(key);
  }
}

const keyOf = (chatId: number, userId: number) => `${chatId}:${userId}`;

/** What the flow has so far, as the command input the core takes. */
export function inputOf(flow: Flow): Input {
  const { target } = flow;
  if (target.kind === "group") return { kind: "command", name: target.group.name, options: {} };
  const [name = "", subcommand] = target.path.split(" ");
  return { kind: "command", name, ...(subcommand ? { subcommand } : {}), options: flow.raw };
}

/** The next question to ask, or undefined when the flow is complete. */
export function nextQuestion(flow: Flow): Question | undefined {
  const { target } = flow;
  if (target.kind === "group") {
    return {
      title: `/${target.group.name}`,
      prompt: `${target.group.description}. Which one?`,
      choices: target.group.subcommands.map((leaf) => leaf.name),
    };
  }
  const [meta] = missingOptions(target.leaf, flow.raw);
  if (!meta) return undefined;
  const title = `/${target.path}: ${meta.name.replaceAll("_", " ")}`;
  if (meta.choices || meta.type === "boolean") {
    return { title, prompt: meta.description, choices: meta.choices ?? ["yes", "no"] };
  }
  return { title, prompt: meta.description, expects: typedExpectation(meta) };
}

function typedExpectation(meta: OptionMeta): string {
  // Same wording as the engine's error messages, so the question and any correction agree.
  if (meta.type !== "string" || meta.format || meta.placeholder) return `Type ${expectation(meta)}.`;
  return meta.maxLength === undefined
    ? "Type your answer."
    : `Type your answer (up to ${meta.maxLength} characters).`;
}

/**
 * Applies one answer (a button's choice or typed text) to the flow. An answer that does not fit
 * leaves the flow as it was and says why, in the engine's wording.
 */
export function applyAnswer(flow: Flow, text: string): Answer {
  const { target } = flow;
  if (target.kind === "group") {
    const leaf = target.group.subcommands.find((s) => s.name === text.trim().toLowerCase());
    if (!leaf) {
      const names = target.group.subcommands.map((s) => s.name).join(", ");
      return { ok: false, message: `Choose one of ${names}.` };
    }
    flow.target = { kind: "leaf", leaf, path: `${target.group.name} ${leaf.name}` };
    return { ok: true, value: leaf.name };
  }
  const [meta] = missingOptions(target.leaf, flow.raw);
  if (!meta) return { ok: false, message: "Every question is already answered." };
  const value = coerceTextValue(meta, text);
  const problem = optionProblem(target.leaf, meta, value);
  if (problem) return { ok: false, message: problem };
  flow.raw[meta.name] = value;
  return { ok: true, value: String(value) };
}
