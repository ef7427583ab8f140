import type { Context, MiddlewareFn } from "grammy";
import type { Message } from "grammy/types";
import type { Response } from "../../core/handle.ts";
import { parseTextCommand } from "../../core/textCommand.ts";
import type { Flow, GuidedInputs } from "./guided.ts";
import { eventOf, type Request, type RouterDeps, requestOf } from "./request.ts";

/** What a text message is, for this bot. */
export type Heard =
  /** `/help@OtherBot`: for another bot in the group. */
  | { kind: "elsewhere" }
  | { kind: "start"; payload: string }
  | { kind: "cancel"; flow: Flow | undefined }
  /** Typed in answer to the question the bot asked this person here. */
  | { kind: "answer"; flow: Flow }
  /** Anything else, for the core; `addressed` when said to the bot (private chat, a mention). */
  | { kind: "text"; addressed: boolean };

/** Reads a text message the way the router acts on it. */
export function hear(request: Request, message: Message.TextMessage): Heard {
  const parsed = parseTextCommand(message.text);
  if (parsed?.mention && parsed.mention.toLowerCase() !== request.deps.username().toLowerCase()) {
    return { kind: "elsewhere" };
  }
  const flow = request.flows.current(request.chatId, request.userId);
  const addressed = !request.group || parsed?.mention !== undefined;
  if (parsed?.name === "start" && addressed) return { kind: "start", payload: parsed.rest };
  if (parsed?.name === "cancel" && (addressed || flow)) return { kind: "cancel", flow };
  // Groups in privacy mode only show the bot replies to its own messages; answers must be one.
  if (!parsed && flow && (!request.group || message.reply_to_message?.message_id === flow.promptMessageId)) {
    return { kind: "answer", flow };
  }
  return { kind: "text", addressed };
}

/**
 * Every message and button press meant for the bot counts against its sender's budget the moment
 * it arrives, before it waits for its turn in the sender's queue: a flood is refused here, at once
 * (only the first refusal in a window is answered), and never holds a place in any queue.
 * `deliver` says a refusal the way the router says any response.
 */
export function admission(
  deps: RouterDeps,
  flows: GuidedInputs,
  deliver: (request: Request, response: Response) => Promise<void>,
): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const request = requestOf(ctx, deps, flows);
    const message = ctx.message?.text === undefined ? undefined : (ctx.message as Message.TextMessage);
    const pressed = ctx.callbackQuery?.data !== undefined;
    if (!request || (!message && !pressed)) return next();
    const heard = message ? hear(request, message) : undefined;
    if (heard?.kind === "elsewhere") return next();
    const event =
      !heard || heard.kind === "answer" || (heard.kind === "cancel" && heard.flow)
        ? eventOf(request, { kind: "answer" }, true)
        : eventOf(
            request,
            { kind: "text", text: message?.text ?? "" },
            heard.kind !== "text" || heard.addressed,
          );
    const verdict = await deps.core.admit(event);
    if (!verdict || verdict.kind === "ignored") return next();
    if (!pressed) return deliver(request, verdict);
    // A press is answered on the button (a spinner until then), never with a message.
    const text = verdict.kind === "reply" ? String(verdict.reply.data.error ?? "") : "";
    await ctx.answerCallbackQuery(text ? { text, show_alert: true } : {});
  };
}
