import type { Caller, LeafCommand, Services } from "./command.ts";

/**
 * Named, reusable checks run before a command (after Sapphire's preconditions). Each refuses with
 * a kind that every adapter maps the same way; the core decides from the kind who is told.
 */

export type RefusalKind = "private_only" | "manage" | "rate_limit";

export interface Refusal {
  kind: RefusalKind;
  /** What the person is told; absent when nothing should be said (a repeated rate-limit refusal). */
  message?: string;
}

/** What a precondition may look at. */
export interface Check {
  caller: Caller;
  services: Services;
  /** The command as written after the slash ("score add"); the name as typed before it is resolved. */
  path: string;
  /** Whether a reply in this chat can be shown to the sender alone (Discord's ephemeral messages). */
  ephemeral: boolean;
}

export interface Precondition {
  readonly kind: RefusalKind;
  /** Replies of a command with this precondition are for the sender alone, wherever it was asked. */
  readonly privateReplies?: boolean;
  check(check: Check): Refusal | undefined | Promise<Refusal | undefined>;
}

/**
 * Works with the caller's personal data: the reply goes to them alone, and in a group chat where
 * that cannot be done in place (no ephemeral replies) the command is refused with a pointer to a
 * private chat instead.
 */
export const privateOnly: Precondition = {
  kind: "private_only",
  privateReplies: true,
  check: ({ caller, path, ephemeral }) =>
    caller.chatKind === "group" && !ephemeral
      ? {
          kind: "private_only",
          message: `/${path} works with your personal data, so I only answer it in a private chat.`,
        }
      : undefined,
};

/** Changes a group's settings: in groups only server managers and group admins may run it. */
export const manage: Precondition = {
  kind: "manage",
  async check({ caller, path }) {
    if (caller.chatKind !== "group" || (await caller.canManage?.())) return undefined;
    return { kind: "manage", message: `Only people who manage this group can use /${path} here.` };
  },
};

/**
 * The per-person budget of messages (services.limits). It sees every message meant for the bot,
 * unknown commands and invalid options included; only the first refusal in a window is answered,
 * so a flood does not get a flood back.
 */
export const rateLimit: Precondition = {
  kind: "rate_limit",
  async check({ caller, services }) {
    const verdict = await services.limits.take(caller.userId);
    if (verdict.ok) return undefined;
    if (!verdict.firstRefusal) return { kind: "rate_limit" };
    return {
      kind: "rate_limit",
      message: `You're sending commands faster than I can keep up with. Please wait ${verdict.retryAfterSeconds} s and try again.`,
    };
  },
};

/** Run on every message before the command is even looked up. */
export const globalPreconditions: readonly Precondition[] = [rateLimit];

/** Whether the command's replies are for the sender alone (derived from its preconditions). */
export const repliesPrivately = (leaf: LeafCommand): boolean =>
  leaf.preconditions?.some((p) => p.privateReplies) ?? false;

/** Whether the command carries the given precondition. */
export const hasPrecondition = (leaf: LeafCommand, precondition: Precondition): boolean =>
  leaf.preconditions?.includes(precondition) ?? false;

/** The first refusal among the preconditions, checked in order; undefined when all pass. */
export async function firstRefusal(
  preconditions: readonly Precondition[],
  check: Check,
): Promise<Refusal | undefined> {
  for (const precondition of preconditions) {
    const refusal = await precondition.check(check);
    if (refusal) return refusal;
  }
  return undefined;
}
