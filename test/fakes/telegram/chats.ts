import type {
  BotCommand,
  Chat,
  ChatMember,
  InlineKeyboardMarkup,
  Message,
  User,
  UserFromGetMe,
} from "grammy/types";
import type { UploadedFile } from "../multipart.ts";
import { parseTelegramHtml } from "./html.ts";

/**
 * The fake Bot API's state and methods: which chats exist, who is in them and who blocked the bot,
 * who administers a group, and every message the bot sent, checked as Telegram checks them.
 */

export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/**
 * A message the bot sent, as the fake stores it: the HTML it sent and the text users see (for a
 * photo or document, its caption), and the file it uploaded.
 */
export interface BotMessage {
  message: Message;
  /** What people read: the message's text, or a file's caption. */
  text: string;
  html: string;
  links: Array<{ text: string; url: string }>;
  replyMarkup?: InlineKeyboardMarkup;
  upload?: { kind: FileKind; file: UploadedFile };
}

/** The upload methods the fake knows: sendPhoto and sendDocument. */
export type FileKind = "photo" | "document";

/**
 * Telegram's limits for uploads (core.telegram.org/bots/api#sending-files): photos up to 10 MB,
 * other files up to 50 MB; captions up to 1,024 characters once entities are parsed.
 */
const UPLOAD_LIMIT: Record<FileKind, number> = { photo: 10 * 1024 * 1024, document: 50 * 1024 * 1024 };
const CAPTION_LIMIT = 1024;

/** Telegram processes a photo as an image: anything else is refused (PNG, JPEG, GIF, WebP here). */
const IMAGE_SIGNATURES = [
  Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  Buffer.from([0xff, 0xd8, 0xff]),
  Buffer.from("GIF8"),
  Buffer.from("RIFF"),
];

/** Telegram names a document's type from its file name, whatever type the upload declared. */
const MIME_BY_EXTENSION: Record<string, string> = {
  ics: "text/calendar",
  png: "image/png",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  json: "application/json",
};

const isUpload = (value: unknown): value is UploadedFile =>
  typeof value === "object" && value !== null && "data" in value && Buffer.isBuffer(value.data);

/** A PNG's size from its header (IHDR); other formats are not measured here. */
function imageSize(data: Buffer): { width: number; height: number } {
  const png = data.subarray(0, 4).equals(IMAGE_SIGNATURES[0] as Buffer) && data.length >= 24;
  return png ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : { width: 0, height: 0 };
}

export class ApiRefusal extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.description);
  }
}

const refuse = (error_code: number, description: string): never => {
  throw new ApiRefusal({ error_code, description });
};

export class FakeChats {
  readonly chats = new Map<number, Chat>();
  /** People the fake has seen anywhere: Telegram knows them even without a private chat. */
  readonly people = new Set<number>();
  readonly blockedBy = new Set<number>();
  readonly admins = new Map<number, Set<number>>();
  readonly openQueries = new Set<string>();
  /** The command menu last set with setMyCommands. */
  commands: BotCommand[] = [];
  readonly callbackAnswers: Array<{ callback_query_id: string; text?: string; show_alert?: boolean }> = [];
  private readonly nextMessageId = new Map<number, number>();
  private readonly botMessages = new Map<number, BotMessage[]>();

  constructor(
    private readonly bot: UserFromGetMe,
    private readonly changed: () => void,
  ) {}

  /** Messages the bot has in this chat, as they are now (after edits). */
  messagesIn(chatId: number): BotMessage[] {
    return this.botMessages.get(chatId) ?? [];
  }

  setMyCommands(payload: Record<string, unknown>): true {
    const commands = payload.commands as BotCommand[] | undefined;
    if (!Array.isArray(commands) || commands.length > 100) refuse(400, "Bad Request: too many commands");
    for (const { command, description } of commands ?? []) {
      if (!/^[a-z0-9_]{1,32}$/.test(command ?? "")) refuse(400, "Bad Request: BOT_COMMAND_INVALID");
      const length = description?.length ?? 0;
      if (length < 1 || length > 256) refuse(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID");
    }
    this.commands = commands ?? [];
    return true;
  }

  sendMessage(payload: Record<string, unknown>): Message.TextMessage {
    const chat = this.writableChat(payload.chat_id);
    const content = this.content(payload);
    const message = {
      ...this.envelope(chat, payload),
      text: content.text,
      ...(content.replyMarkup ? { reply_markup: content.replyMarkup } : {}),
    } as Message.TextMessage;
    this.store(chat, { message, ...content });
    return message;
  }

  /** sendPhoto and sendDocument with an uploaded file (multipart), checked as Telegram checks them. */
  sendFile(kind: FileKind, payload: Record<string, unknown>): Message {
    const chat = this.writableChat(payload.chat_id);
    const file = payload[kind];
    if (typeof file === "string") return refuse(400, "Bad Request: wrong file identifier/HTTP URL specified");
    if (!isUpload(file)) return refuse(400, `Bad Request: there is no ${kind} in the request`);
    if (file.data.length === 0) refuse(400, "Bad Request: file must be non-empty");
    if (file.data.length > UPLOAD_LIMIT[kind]) refuse(413, "Request Entity Too Large");
    if (
      kind === "photo" &&
      !IMAGE_SIGNATURES.some((magic) => file.data.subarray(0, magic.length).equals(magic))
    ) {
      refuse(400, "Bad Request: IMAGE_PROCESS_FAILED");
    }
    const caption = this.caption(payload);
    const id = `file-${chat.id}-${this.messagesIn(chat.id).length + 1}`;
    const extension = /\.([a-z0-9]+)$/i.exec(file.filename)?.[1]?.toLowerCase() ?? "";
    const media =
      kind === "photo"
        ? {
            photo: [
              { file_id: id, file_unique_id: id, file_size: file.data.length, ...imageSize(file.data) },
            ],
          }
        : {
            document: {
              file_id: id,
              file_unique_id: id,
              file_name: file.filename,
              mime_type: MIME_BY_EXTENSION[extension] ?? "application/octet-stream",
              file_size: file.data.length,
            },
          };
    const message = {
      ...this.envelope(chat, payload),
      ...media,
      ...(caption.text === "" ? {} : { caption: caption.text }),
      ...(caption.replyMarkup ? { reply_markup: caption.replyMarkup } : {}),
    } as Message;
    this.store(chat, { message, ...caption, upload: { kind, file } });
    return message;
  }

  /** What every message the bot sends has: id, date, chat, sender, and the message it answers. */
  private envelope(chat: Chat, payload: Record<string, unknown>) {
    const replyTo = (payload.reply_parameters as { message_id?: number } | undefined)?.message_id;
    return {
      message_id: this.newMessageId(chat.id),
      date: Math.floor(Date.now() / 1000),
      chat,
      from: this.bot,
      ...(replyTo === undefined ? {} : { reply_to_message: { message_id: replyTo, chat, date: 0 } }),
    };
  }

  private store(chat: Chat, sent: BotMessage): void {
    const list = this.botMessages.get(chat.id) ?? [];
    list.push(sent);
    this.botMessages.set(chat.id, list);
    this.changed();
  }

  editMessageText(payload: Record<string, unknown>): Message {
    const chat = this.writableChat(payload.chat_id);
    const sent = this.messagesIn(chat.id).find((m) => m.message.message_id === payload.message_id);
    if (!sent) return refuse(400, "Bad Request: message to edit not found");
    const content = this.content(payload);
    if (
      content.html === sent.html &&
      JSON.stringify(content.replyMarkup) === JSON.stringify(sent.replyMarkup)
    ) {
      refuse(
        400,
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    if (sent.upload) return refuse(400, "Bad Request: there is no text in the message to edit");
    const { reply_markup: _old, ...rest } = sent.message;
    sent.message = {
      ...rest,
      text: content.text,
      edit_date: Math.floor(Date.now() / 1000),
      ...(content.replyMarkup ? { reply_markup: content.replyMarkup } : {}),
    } as Message;
    sent.html = content.html;
    sent.text = content.text;
    sent.links = content.links;
    if (content.replyMarkup) sent.replyMarkup = content.replyMarkup;
    else delete sent.replyMarkup;
    this.changed();
    return sent.message;
  }

  answerCallbackQuery(payload: Record<string, unknown>): true {
    const id = String(payload.callback_query_id);
    if (!this.openQueries.delete(id)) {
      refuse(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
    }
    const text = typeof payload.text === "string" ? payload.text : undefined;
    if (text !== undefined && text.length > 200) refuse(400, "Bad Request: MESSAGE_TOO_LONG");
    this.callbackAnswers.push({
      callback_query_id: id,
      ...(text === undefined ? {} : { text }),
      ...(payload.show_alert === true ? { show_alert: true } : {}),
    });
    this.changed();
    return true;
  }

  getChatMember(payload: Record<string, unknown>): ChatMember {
    const chat = this.chats.get(Number(payload.chat_id));
    if (!chat) return refuse(400, "Bad Request: chat not found");
    const userId = Number(payload.user_id);
    const user: User = { id: userId, is_bot: false, first_name: `User ${userId}` };
    if (!this.admins.get(chat.id)?.has(userId)) return { status: "member", user };
    return {
      status: "administrator",
      user,
      can_be_edited: false,
      is_anonymous: false,
      can_manage_chat: true,
      can_delete_messages: true,
      can_manage_video_chats: true,
      can_restrict_members: true,
      can_promote_members: false,
      can_change_info: true,
      can_invite_users: true,
      can_post_stories: false,
      can_edit_stories: false,
      can_delete_stories: false,
      can_send_welcome_messages: false,
    } as ChatMember;
  }

  /** The chat a message may be sent to, or the refusal Telegram gives. */
  private writableChat(chatId: unknown): Chat {
    const chat = this.chats.get(Number(chatId));
    if (!chat && this.people.has(Number(chatId))) {
      return refuse(403, "Forbidden: bot can't initiate conversation with a user");
    }
    if (!chat) return refuse(400, "Bad Request: chat not found");
    if (chat.type === "private" && this.blockedBy.has(chat.id)) {
      return refuse(403, "Forbidden: bot was blocked by the user");
    }
    return chat;
  }

  private content(payload: Record<string, unknown>) {
    const parsed = this.parsed(String(payload.text ?? ""), payload.parse_mode);
    if (parsed.text.trim() === "") refuse(400, "Bad Request: message text is empty");
    if (parsed.text.length > 4096) refuse(400, "Bad Request: message is too long");
    return { ...parsed, ...this.markup(payload) };
  }

  /** A file's caption: optional, and shorter than a message. */
  private caption(payload: Record<string, unknown>) {
    const parsed = this.parsed(String(payload.caption ?? ""), payload.parse_mode);
    if (parsed.text.length > CAPTION_LIMIT) refuse(400, "Bad Request: message caption is too long");
    return { ...parsed, ...this.markup(payload) };
  }

  private parsed(html: string, parseMode: unknown) {
    // A lone half of a surrogate pair (an emoji cut in half) is not UTF-8 once sent.
    if (/\p{Cs}/u.test(html)) refuse(400, "Bad Request: text must be encoded in UTF-8");
    const parsed = parseMode === "HTML" ? parseTelegramHtml(html) : { text: html, links: [] };
    return { html, text: parsed.text, links: parsed.links };
  }

  private markup(payload: Record<string, unknown>): { replyMarkup?: InlineKeyboardMarkup } {
    const replyMarkup = payload.reply_markup as InlineKeyboardMarkup | undefined;
    for (const button of replyMarkup?.inline_keyboard.flat() ?? []) {
      if ("callback_data" in button && Buffer.byteLength(button.callback_data) > 64) {
        refuse(400, "Bad Request: BUTTON_DATA_INVALID");
      }
      if ("url" in button && !/^(https?|tg):\/\/\S+$/.test(button.url))
        refuse(400, "Bad Request: BUTTON_URL_INVALID");
    }
    return replyMarkup ? { replyMarkup } : {};
  }

  newMessageId(chatId: number): number {
    const id = (this.nextMessageId.get(chatId) ?? 0) + 1;
    this.nextMessageId.set(chatId, id);
    return id;
  }
}

// --- people and chats for tests -----------------------------------------------------------------

let nextUserId = 1000;

export function fakeUser(firstName: string): User {
  const id = nextUserId++;
  return { id, is_bot: false, first_name: firstName, username: `${firstName.toLowerCase()}${id}` };
}

export function privateChatOf(user: User): Chat.PrivateChat {
  return { id: user.id, type: "private", first_name: user.first_name };
}

let nextGroupId = 1001000000000;

export function fakeGroup(title: string): Chat.SupergroupChat {
  return { id: -nextGroupId++, type: "supergroup", title };
}
