import type * as z from "zod";
import type { KnowledgeBase } from "../engine/knowledge/knowledge.ts";
import type { Clock, Logger, NudgeSchedule, RateLimit } from "./ports.ts";
import type { Precondition } from "./preconditions.ts";
import type { Reply } from "./reply.ts";
import type { Repositories } from "./repositories.ts";

/**
 * Who sent a command and where. The user id and the chat's address are the adapter's own encoding
 * (unique across platforms); the core stores them and hands them back, and never parses them.
 */
export interface Caller {
  userId: string;
  displayName?: string;
  /** The chat the command came from: where "reply here" and the chat's nudge go. */
  address: string;
  chatKind: "private" | "group";
  /** Whether the caller may change this group's settings (Manage Server / group admin). */
  canManage?: () => Promise<boolean>;
}

/** Everything a handler may use besides its input. Adapters never reach past this. */
export interface Services {
  knowledge: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  /** Storage, one repository per aggregate (src/core/repositories.ts). */
  store: Repositories;
  nudges: NudgeSchedule;
  limits: RateLimit;
}

export interface CommandContext {
  caller: Caller;
  services: Services;
  /** The registry, for commands that describe other commands (`/help`). */
  commands: readonly CommandSpec[];
  /** The platform's id of this request (update id, interaction id), quoted in error replies. */
  requestId: string;
}

export type OptionsSchema = z.ZodObject;

/** A command (or subcommand) that runs: defined once, rendered by every adapter. */
export interface LeafCommand<S extends OptionsSchema = OptionsSchema> {
  name: string;
  description: string;
  /** Every option described (`.describe()` last, after `.optional()`), names in snake_case. */
  options: S;
  /** The one free-text option that takes the rest of the line: `/ask How early...`. */
  rest?: keyof z.infer<S> & string;
  /** Checked before it runs, in order (src/core/preconditions.ts); they also decide who sees the reply. */
  preconditions?: readonly Precondition[];
  run(input: z.infer<S>, ctx: CommandContext): Promise<Reply> | Reply;
}

/** A command made of subcommands: `/score add ...`, `/score list`. */
export interface CommandGroup {
  name: string;
  description: string;
  subcommands: readonly LeafCommand[];
  /** Subcommand run when none is named (`/profile` means `/profile show`). */
  defaultSubcommand?: string;
  /**
   * Typed options may follow the name directly: the subcommand that has the first of them runs
   * (`/log questions:40` is `/log add questions:40`). Slash commands always name the subcommand.
   */
  optionsPickSubcommand?: true;
}

export type CommandSpec = LeafCommand | CommandGroup;

export const isGroup = (spec: CommandSpec): spec is CommandGroup => "subcommands" in spec;

/** Defines a command or subcommand; the types of `run`'s input flow from the zod schema. */
export function defineCommand<S extends OptionsSchema>(spec: LeafCommand<S>): LeafCommand<S> {
  return spec;
}

export function defineCommandGroup(spec: CommandGroup): CommandGroup {
  return spec;
}
