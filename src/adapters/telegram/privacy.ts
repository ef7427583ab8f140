import { InlineKeyboard } from "grammy";
import { findCommand } from "../../core/dispatch.ts";
import { paragraph, type Reply, reply } from "../../core/reply.ts";
import { type Request, replyOptions, trySend } from "./request.ts";

/**
 * Personal data stays out of groups: what is only for one person goes to their private chat, and
 * the group gets a short note with a button that opens it.
 */

/** A link that opens the private chat with the bot and, with a payload, sends `/start <payload>`. */
function privateChatLink(request: Request, path?: string): string {
  const base = `https://t.me/${request.deps.username()}`;
  return path === undefined ? base : `${base}?start=${path.replaceAll(" ", "-")}`;
}

/** The core's private-only refusal, with a button that opens the private chat and runs the command there. */
export function privateOnly(request: Request, path: string, refusal: Reply): Promise<void> {
  const text = refusal.blocks.flatMap((block) => (block.kind === "paragraph" ? [block.text] : [])).join(" ");
  return notice(
    request,
    `${text} Tap the button to continue there.`,
    "Continue in private chat",
    privateChatLink(request, path),
  );
}

/** A reply meant only for its sender, asked for in a group: sent to them directly. */
export async function deliverPrivately(request: Request, content: Reply, path: string): Promise<void> {
  const sent = await trySend(request, request.userId, content);
  if (sent) {
    return notice(
      request,
      "My answer is only for you, so I sent it to our private chat.",
      "Open private chat",
      privateChatLink(request),
    );
  }
  // Telegram lets a bot write to a person only after they have started a chat with it.
  const known = findCommand(request.deps.core.commands, path.split(" ")[0] ?? "") !== undefined;
  return notice(
    request,
    "My answer is only for you, and I can only send it in a private chat. Tap the button, then press Start.",
    "Open private chat",
    privateChatLink(request, known ? path : undefined),
  );
}

async function notice(request: Request, text: string, button: string, url: string): Promise<void> {
  const keyboard = new InlineKeyboard().url(button, url);
  await trySend(request, request.chatId, reply({ blocks: [paragraph(text)] }), {
    ...replyOptions(request),
    keyboard,
  });
}
