import { type Api, GrammyError, InputFile } from "grammy";
import type { InlineKeyboardMarkup, Message } from "grammy/types";
import { DeliveryError } from "../../core/errors.ts";
import type { Attachment, Reply } from "../../core/reply.ts";
import { clip } from "../../core/text.ts";
import { choicesKeyboard, escapeHtml, renderHtml } from "./render.ts";

export interface SendOptions {
  /** Buttons under the last message of the reply, instead of those for the reply's choices. */
  keyboard?: InlineKeyboardMarkup;
  /** The message this answers (groups: keeps the thread readable). */
  replyTo?: number;
  signal?: AbortSignal;
}

/**
 * Telegram's limit for a photo's or document's caption, counted after entities are parsed
 * (core.telegram.org/bots/api#sendphoto). Counting the HTML instead errs on the safe side.
 */
export const CAPTION_LIMIT = 1024;

/** One message to send: HTML text, or a file with an HTML caption. */
type Outgoing = { kind: "text"; html: string } | { kind: "file"; file: Attachment; caption: string };

/**
 * The messages a reply becomes. A reply with one file whose text fits a caption is one message:
 * the file, captioned with the text. Otherwise the text goes first, then each file captioned with
 * its description, so the file stays next to what explains it.
 */
function outgoing(reply: Reply): Outgoing[] {
  const chunks = renderHtml(reply);
  const files = reply.files ?? [];
  const [only] = files;
  if (only && files.length === 1 && chunks.length === 1 && (chunks[0] ?? "").length <= CAPTION_LIMIT) {
    return [{ kind: "file", file: only, caption: chunks[0] ?? "" }];
  }
  return [
    ...chunks.map((html): Outgoing => ({ kind: "text", html })),
    ...files.map(
      (file): Outgoing => ({
        kind: "file",
        file,
        caption: escapeHtml(clip(file.description, CAPTION_LIMIT)),
      }),
    ),
  ];
}

/**
 * Sends a reply as HTML messages and its files as uploads (sendPhoto for images, sendDocument for
 * the rest), multipart through grammY's InputFile; returns the messages in order.
 */
export async function sendReply(
  api: Api,
  chatId: number,
  reply: Reply,
  options: SendOptions = {},
): Promise<Message[]> {
  const messages = outgoing(reply);
  const keyboard = options.keyboard ?? choicesKeyboard(reply.choices);
  const sent: Message[] = [];
  // grammY types its signal with the abort-controller package; Node's own is the same at run time.
  const signal = options.signal as Parameters<Api["sendMessage"]>[3];
  for (const [i, message] of messages.entries()) {
    const common = {
      parse_mode: "HTML" as const,
      ...(i === 0 && options.replyTo !== undefined
        ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
        : {}),
      ...(i === messages.length - 1 && keyboard ? { reply_markup: keyboard } : {}),
    };
    if (message.kind === "text") {
      sent.push(
        await api.sendMessage(
          chatId,
          message.html,
          { ...common, link_preview_options: { is_disabled: true } },
          signal,
        ),
      );
      continue;
    }
    const { file, caption } = message;
    const upload = new InputFile(file.data, file.name);
    const captioned = { ...common, ...(caption === "" ? {} : { caption }) };
    sent.push(
      file.mime.startsWith("image/")
        ? await api.sendPhoto(chatId, upload, captioned, signal)
        : await api.sendDocument(chatId, upload, captioned, signal),
    );
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
