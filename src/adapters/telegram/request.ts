import type { Context } from "grammy";
import type { Message } from "grammy/types";
import { markUnreachable } from "../../core/chats.ts";
import type { Caller } from "../../core/command.ts";
import type { Core, Inbound, Input } from "../../core/handle.ts";
import type { Reply } from "../../core/reply.ts";
import { chatAddress, ownerOf, userAddress } from "./address.ts";
import { permanentRefusal, type SendOptions, sendReply } from "./delivery.ts";
import type { GuidedInputs } from "./guided.ts";
import { BudgetSpent } from "./throttle.ts";

export interface RouterDeps {
  core: Core;
  /** The bot's username, known once getMe has answered. */
  username: () => string;
  /** The adapter is stopping: messages still waiting for their turn are dropped. */
  stopping: () => boolean;
}

/** One message or button press being answered, with who sent it and where. */
export interface Request {
  ctx: Context;
  deps: RouterDeps;
  flows: GuidedInputs;
  chatId: number;
  userId: number;
  group: boolean;
  caller: Caller;
  /** In groups, answers reply to this message so the thread stays readable. */
  replyTo?: number;
}

export function requestOf(ctx: Context, deps: RouterDeps, flows: GuidedInputs): Request | undefined {
  const { chat, from } = ctx;
  if (!chat || !from || chat.type === "channel") return undefined;
  const group = chat.type !== "private";
  const caller: Caller = {
    userId: userAddress(from.id),
    displayName: from.first_name,
    address: chatAddress(chat.id),
    chatKind: group ? "group" : "private",
    canManage: () => isChatAdmin(ctx, chat.id, from.id),
  };
  const replyTo = group ? (ctx.message ?? ctx.callbackQuery?.message)?.message_id : undefined;
  return {
    ctx,
    deps,
    flows,
    chatId: chat.id,
    userId: from.id,
    group,
    caller,
    ...(replyTo === undefined ? {} : { replyTo }),
  };
}

/** The request as the core's event; counted once, when it arrived (admission.ts). */
export const eventOf = (request: Request, input: Input, addressed: boolean): Inbound => ({
  via: "telegram",
  requestId: String(request.ctx.update.update_id),
  caller: request.caller,
  input,
  addressed,
  canAsk: true,
  admitted: true,
});

async function isChatAdmin(ctx: Context, chatId: number, userId: number): Promise<boolean> {
  // An anonymous admin writes as the group itself.
  if (ctx.message?.sender_chat?.id === chatId) return true;
  const member = await ctx.api.getChatMember(chatId, userId);
  return member.status === "creator" || member.status === "administrator";
}

export const replyOptions = (request: Request): SendOptions =>
  request.replyTo === undefined ? {} : { replyTo: request.replyTo };

/**
 * Sends, recording a permanent refusal (blocked, removed) instead of throwing; undefined then, and
 * also when the group's send budget dropped the reply (throttle.ts).
 */
export async function trySend(
  request: Request,
  chatId: number,
  content: Reply,
  options: SendOptions = {},
): Promise<Message[] | undefined> {
  const { services } = request.deps.core;
  try {
    return await sendReply(request.ctx.api, chatId, content, options);
  } catch (error) {
    if (error instanceof BudgetSpent) {
      services.logger.debug({ chat: chatAddress(chatId) }, "reply dropped: the group's send budget is spent");
      return undefined;
    }
    const reason = permanentRefusal(error);
    if (!reason) throw error;
    services.logger.info({ chat: chatAddress(chatId), reason }, "telegram chat unreachable");
    await markUnreachable(services, chatAddress(chatId), reason, ownerOf(chatId));
    return undefined;
  }
}
