import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  BotCommand,
  Chat,
  ChatMember,
  InlineKeyboardMarkup,
  Message,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";
import { EntityParseError, parseTelegramHtml } from "./html.ts";

/**
 * A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real grammY client.
 * It speaks the HTTP protocol of https://core.telegram.org/bots/api: `POST /bot<token>/<method>`
 * with a JSON body, answered with `{ok: true, result}` or `{ok: false, error_code, description,
 * parameters?}`. Methods: getMe, deleteWebhook, getUpdates (long polling with offset, limit and
 * timeout), sendMessage, editMessageText, answerCallbackQuery, setMyCommands, getChatMember.
 * HTML messages are parsed as Telegram does, so a rendering mistake fails like it would live.
 * Tests play the users: `userSays`, `userPresses`, `pushUpdate`; and inspect what the bot did.
 */

export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

/** A message the bot sent, as the fake stores it: the HTML it sent and the text users see. */
export interface BotMessage {
  message: Message.TextMessage;
  html: string;
  links: Array<{ text: string; url: string }>;
  replyMarkup?: InlineKeyboardMarkup;
}

export interface FakeTelegramOptions {
  token?: string;
  username?: string;
  /** Longest a getUpdates call is held open, whatever timeout the client asks for. */
  maxPollMs?: number;
}

export const FAKE_TOKEN = "123456789:AAFakeTokenForTheFakeBotApiServer0001";

type Handler = (payload: Record<string, unknown>) => unknown;

class ApiRefusal extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.description);
  }
}

const refuse = (error_code: number, description: string): never => {
  throw new ApiRefusal({ error_code, description });
};

export class FakeTelegram {
  readonly token: string;
  readonly bot: UserFromGetMe;
  readonly calls: ApiCall[] = [];
  /** The command menu last set with setMyCommands. */
  commands: BotCommand[] = [];
  readonly callbackAnswers: Array<{ callback_query_id: string; text?: string; show_alert?: boolean }> = [];

  private server: Server | undefined;
  private root = "";
  private readonly maxPollMs: number;
  private readonly updates: Update[] = [];
  private nextUpdateId = 1;
  private readonly chats = new Map<number, Chat>();
  /** People the fake has seen anywhere: Telegram knows them even without a private chat. */
  private readonly people = new Set<number>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly botMessages = new Map<number, BotMessage[]>();
  private readonly failures = new Map<string, Array<ApiFailure | "drop">>();
  private readonly blockedBy = new Set<number>();
  private readonly admins = new Map<number, Set<number>>();
  private readonly openQueries = new Set<string>();
  private readonly changes = new EventEmitter();
  private pendingPoll: ((updates: Update[] | ApiFailure) => void) | undefined;
  private readonly handlers: Record<string, Handler>;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? FAKE_TOKEN;
    this.maxPollMs = options.maxPollMs ?? 300;
    this.bot = {
      id: Number(this.token.split(":")[0]),
      is_bot: true,
      first_name: "Stepwise",
      username: options.username ?? "StepwiseTestBot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    } as UserFromGetMe;
    this.changes.setMaxListeners(0);
    this.handlers = {
      getMe: () => this.bot,
      deleteWebhook: () => true,
      setMyCommands: (p) => this.setMyCommands(p),
      sendMessage: (p) => this.sendMessage(p),
      editMessageText: (p) => this.editMessageText(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      getChatMember: (p) => this.getChatMember(p),
    };
  }

  /** Starts listening on 127.0.0.1; returns the apiRoot to give grammY (no trailing slash). */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.root;
  }

  get apiRoot(): string {
    return this.root;
  }

  /** Stops the server and closes every socket, keep-alive ones included, so nothing hangs. */
  async stop(): Promise<void> {
    this.pendingPoll?.([]);
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  // --- what tests make happen ---------------------------------------------------------------

  /** The next `times` calls of `method` fail with this error (e.g. a 429 with retry_after). */
  failNext(method: string, failure: ApiFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  /** The next call of `method` loses its connection before any answer: a network error. */
  dropNext(method: string): void {
    const queue = this.failures.get(method) ?? [];
    queue.push("drop");
    this.failures.set(method, queue);
  }

  /** The user blocks the bot: sending to their private chat is refused with 403 from now on. */
  block(user: User, options: { notify: boolean } = { notify: true }): void {
    this.blockedBy.add(user.id);
    if (!options.notify) return;
    const date = Math.floor(Date.now() / 1000);
    this.pushUpdate({
      my_chat_member: {
        chat: privateChatOf(user),
        from: user,
        date,
        old_chat_member: { status: "member", user: this.bot },
        new_chat_member: { status: "kicked", user: this.bot, until_date: 0 },
      },
    });
  }

  /** The bot was added to this chat earlier: it may post there without having heard from it. */
  addChat(chat: Chat): void {
    this.chats.set(chat.id, chat);
  }

  makeAdmin(chatId: number, userId: number): void {
    const set = this.admins.get(chatId) ?? new Set<number>();
    set.add(userId);
    this.admins.set(chatId, set);
  }

  /** A user sends text in a chat; commands get a bot_command entity as Telegram adds one. */
  userSays(from: User, chat: Chat, text: string, options: { replyTo?: Message } = {}): Message.TextMessage {
    // Writing to the bot in private means the user has (again) allowed it to write back.
    if (chat.type === "private") this.blockedBy.delete(from.id);
    this.chats.set(chat.id, chat);
    this.people.add(from.id);
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const message = {
      message_id: this.newMessageId(chat.id),
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      text,
      ...(command
        ? { entities: [{ type: "bot_command" as const, offset: 0, length: command[0].length }] }
        : {}),
      ...(options.replyTo ? { reply_to_message: options.replyTo } : {}),
    } as Message.TextMessage;
    this.pushUpdate({ message: message as Message.TextMessage & Update.NonChannel });
    return message;
  }

  /** A user taps an inline button of a bot message; returns the callback query id. */
  userPresses(from: User, sent: BotMessage, buttonText: string): string {
    const button = sent.replyMarkup?.inline_keyboard.flat().find((b) => b.text === buttonText);
    if (!button || !("callback_data" in button)) {
      throw new Error(`no callback button "${buttonText}" under message ${sent.message.message_id}`);
    }
    const id = `cq${this.nextUpdateId}`;
    this.openQueries.add(id);
    this.pushUpdate({
      callback_query: {
        id,
        from,
        message: sent.message as Message & Update.NonChannel,
        chat_instance: `ci${sent.message.chat.id}`,
        data: button.callback_data,
      },
    });
    return id;
  }

  /** Queues any update (its id is assigned here, from 1 as grammY's first offset expects). */
  pushUpdate(update: Omit<Update, "update_id">): Update {
    const full = { update_id: this.nextUpdateId++, ...update } as Update;
    this.updates.push(full);
    this.pendingPoll?.([full]);
    this.changed();
    return full;
  }

  // --- what tests look at ---------------------------------------------------------------------

  /** The id of the update queued last. */
  get lastUpdateId(): number {
    return this.nextUpdateId - 1;
  }

  /** Messages the bot has in this chat, as they are now (after edits). */
  messagesIn(chatId: number): BotMessage[] {
    return this.botMessages.get(chatId) ?? [];
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves with the check's value once it returns one; fails after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Telegram: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off("change", attempt);
      };
      if (!attempt()) this.changes.on("change", attempt);
    });
  }

  /** Waits for the bot's `count`-th message in a chat counting from `after` (default: the next one). */
  nextMessage(chatId: number, after = this.messagesIn(chatId).length): Promise<BotMessage> {
    return this.waitFor(() => this.messagesIn(chatId)[after]);
  }

  // --- the HTTP side ----------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? "/", this.root).pathname);
    if (!path || req.method !== "POST") return answer(res, { error_code: 404, description: "Not Found" });
    const [, token, method = ""] = path;
    if (token !== this.token) return answer(res, { error_code: 401, description: "Unauthorized" });
    let payload: Record<string, unknown>;
    try {
      payload = body === "" ? {} : (JSON.parse(body) as Record<string, unknown>);
    } catch {
      return answer(res, { error_code: 400, description: "Bad Request: invalid JSON" });
    }
    this.calls.push({ method, payload, at: Date.now() });
    this.changed();
    const failure = this.failures.get(method)?.shift();
    if (failure === "drop") {
      req.socket.destroy();
      return;
    }
    if (failure) return answer(res, failure);
    if (method === "getUpdates") return this.getUpdates(payload, res);
    const handler = this.handlers[method];
    if (!handler) return answer(res, { error_code: 404, description: "Not Found: method not found" });
    try {
      answer(res, { result: handler(payload) });
    } catch (error) {
      if (error instanceof ApiRefusal) return answer(res, error.failure);
      if (error instanceof EntityParseError)
        return answer(res, { error_code: 400, description: error.message });
      throw error;
    }
  }

  private getUpdates(payload: Record<string, unknown>, res: ServerResponse): void {
    const offset = Number(payload.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(payload.limit ?? 100)));
    const timeoutMs = Math.min(Number(payload.timeout ?? 0) * 1000, this.maxPollMs);
    // Asking with an offset confirms every update before it: they are never sent again.
    if (offset > 0) {
      while (this.updates[0] && this.updates[0].update_id < offset) this.updates.shift();
    }
    const ready = this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
    if (ready.length > 0 || timeoutMs <= 0) {
      answer(res, { result: ready });
      return;
    }
    // Only one long poll at a time per bot: the older one is ended, as Telegram does.
    this.pendingPoll?.({
      error_code: 409,
      description:
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    const finish = (result: Update[] | ApiFailure) => {
      clearTimeout(timer);
      if (this.pendingPoll === finish) this.pendingPoll = undefined;
      if (res.writableEnded || res.destroyed) return;
      answer(res, Array.isArray(result) ? { result: result.slice(0, limit) } : result);
    };
    const timer = setTimeout(() => finish([]), timeoutMs);
    this.pendingPoll = finish;
    res.on("close", () => {
      clearTimeout(timer);
      if (this.pendingPoll === finish) this.pendingPoll = undefined;
    });
  }

  private setMyCommands(payload: Record<string, unknown>): true {
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

  private sendMessage(payload: Record<string, unknown>): Message.TextMessage {
    const chat = this.writableChat(payload.chat_id);
    const replyTo = (
      payload.reply_parameters as { message_id?: number; allow_sending_without_reply?: boolean }
    )?.message_id;
    const content = this.content(payload);
    const message = {
      message_id: this.newMessageId(chat.id),
      date: Math.floor(Date.now() / 1000),
      chat,
      from: this.bot,
      text: content.text,
      ...(replyTo === undefined ? {} : { reply_to_message: { message_id: replyTo, chat, date: 0 } }),
      ...(content.replyMarkup ? { reply_markup: content.replyMarkup } : {}),
    } as Message.TextMessage;
    const list = this.botMessages.get(chat.id) ?? [];
    list.push({ message, ...content });
    this.botMessages.set(chat.id, list);
    this.changed();
    return message;
  }

  private editMessageText(payload: Record<string, unknown>): Message.TextMessage {
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
    const { reply_markup: _old, ...rest } = sent.message;
    sent.message = {
      ...rest,
      text: content.text,
      edit_date: Math.floor(Date.now() / 1000),
      ...(content.replyMarkup ? { reply_markup: content.replyMarkup } : {}),
    } as Message.TextMessage;
    sent.html = content.html;
    sent.links = content.links;
    if (content.replyMarkup) sent.replyMarkup = content.replyMarkup;
    else delete sent.replyMarkup;
    this.changed();
    return sent.message;
  }

  private answerCallbackQuery(payload: Record<string, unknown>): true {
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

  private getChatMember(payload: Record<string, unknown>): ChatMember {
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
    const html = String(payload.text ?? "");
    // A lone half of a surrogate pair (an emoji cut in half) is not UTF-8 once sent.
    if (/\p{Cs}/u.test(html)) refuse(400, "Bad Request: text must be encoded in UTF-8");
    const parsed = payload.parse_mode === "HTML" ? parseTelegramHtml(html) : { text: html, links: [] };
    if (parsed.text.trim() === "") refuse(400, "Bad Request: message text is empty");
    if (parsed.text.length > 4096) refuse(400, "Bad Request: message is too long");
    const replyMarkup = payload.reply_markup as InlineKeyboardMarkup | undefined;
    for (const button of replyMarkup?.inline_keyboard.flat() ?? []) {
      if ("callback_data" in button && Buffer.byteLength(button.callback_data) > 64) {
        refuse(400, "Bad Request: BUTTON_DATA_INVALID");
      }
      if ("url" in button && !/^(https?|tg):\/\/\S+$/.test(button.url))
        refuse(400, "Bad Request: BUTTON_URL_INVALID");
    }
    return { html, text: parsed.text, links: parsed.links, ...(replyMarkup ? { replyMarkup } : {}) };
  }

  private newMessageId(chatId: number): number {
    const id = (this.nextMessageId.get(chatId) ?? 0) + 1;
    this.nextMessageId.set(chatId, id);
    return id;
  }

  private changed(): void {
    this.changes.emit("change");
  }
}

function answer(res: ServerResponse, body: { result: unknown } | ApiFailure): void {
  const failed = !("result" in body);
  const json = JSON.stringify(failed ? { ok: false, ...body } : { ok: true, result: body.result });
  res.writeHead(failed ? body.error_code : 200, { "content-type": "application/json" }).end(json);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
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
