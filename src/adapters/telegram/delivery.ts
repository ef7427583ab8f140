import { type Api, GrammyError } from "grammy";
import type { InlineKeyboardMarkup, Message } from "grammy/types";
import { DeliveryError } from "../../core/errors.ts";
import type { Reply } from "../../core/reply.ts";
import { renderHtml } from "./render.ts";

export interface SendOptions {
  /** Buttons under the last message of the reply. */
  keyboard?: InlineKeyboardMarkup;
  /** The message this answers (groups: keeps the thread readable). */
  replyTo?: number;
  signal?: AbortSignal;
}

/** Sends a reply as one or more HTML messages; returns them in order. */
export async function sendReply(
  api: Api,
  chatId: number,
  reply: Reply,
  options: SendOptions = {},
): Promise<Message.TextMessage[]> {
  const chunks = renderHtml(reply);
  const sent: Message.TextMessage[] = [];
  for (const [i, html] of chunks.entries()) {
    const last = i === chunks.length - 1;
    const message = await api.sendMessage(
      chatId,
      html,
      {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(i === 0 && options.replyTo !== undefined
          ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
          : {}),
        ...(last && options.keyboard ? { reply_markup: options.keyboard } : {}),
      },
      // grammY types its signal with the abort-controller package; Node's own is the same at run time.
      options.signal as Parameters<Api["sendMessage"]>[3],
    );
    sent.push(message);
  }
  return sent;
}

/**
 * The refusals that will not heal by retrying: the bot was blocked, kicked or never allowed to
 * write (403), the chat is gone, or the bot may not post there. Returns the reason to record.
 */
export function permanentRefusal(error: unknown): string | undefined {
  if (!(error instanceof GrammyError)) return undefined;
  if (error.error_code === 403) return `Telegram refused: ${stripPrefix(error.description)}`;
  if (
    error.error_code === 400 &&
    /chat not found|not enough rights|have no rights|upgraded to a supergroup/i.test(error.description)
  ) {
    return `Telegram refused: ${stripPrefix(error.description)}`;
  }
  return undefined;
}

/** Any sending failure as a DeliveryError: permanent for refusals, transient for the rest. */
export function toDeliveryError(error: unknown): DeliveryError {
  const reason = permanentRefusal(error);
  if (reason) return new DeliveryError(reason, true, reason);
  const detail = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`Telegram delivery failed: ${detail}`, false, "Telegram could not be reached");
}

const stripPrefix = (description: string) => description.replace(/^(Forbidden|Bad Request): /, "");

/** An API error without its payload: payloads hold message text, which may be personal. */
export function describeApiError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return {
      name: error.name,
      method: error.method,
      error_code: error.error_code,
      description: error.description,
    };
  }
  return error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
}
