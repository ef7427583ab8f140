import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BotCommand, Chat, Message, Update, User, UserFromGetMe } from "grammy/types";
import { type ApiFailure, ApiRefusal, type BotMessage, FakeChats, privateChatOf } from "./chats.ts";
import { EntityParseError } from "./html.ts";
import { answer, payloadOf, readBody, UpdateQueue } from "./wire.ts";

export { fakeGroup, fakeUser, privateChatOf } from "./chats.ts";
export type { ApiFailure, BotMessage };

/**
 * A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real grammY client.
 * It speaks the HTTP protocol of https://core.telegram.org/bots/api: `POST /bot<token>/<method>`
 * with a JSON body, answered with `{ok: true, result}` or `{ok: false, error_code, description,
 * parameters?}`. Methods: getMe, getUpdates (long polling with offset, limit and timeout),
 * setWebhook, deleteWebhook, getWebhookInfo, sendMessage, sendPhoto, sendDocument, editMessageText,
 * answerCallbackQuery, setMyCommands, getChatMember. Bodies are JSON, or multipart/form-data when a
 * file is uploaded (see wire.ts). With a webhook set, updates are POSTed to it one at a time, in
 * order, with the X-Telegram-Bot-Api-Secret-Token header, and getUpdates is refused with 409.
 * HTML messages and captions are parsed as Telegram does, so a rendering mistake fails like it
 * would live.
 * Tests play the users: `userSays`, `userPresses`, `pushUpdate`; and inspect what the bot did.
 */

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

export interface FakeTelegramOptions {
  token?: string;
  username?: string;
  /** Longest a getUpdates call is held open, whatever timeout the client asks for. */
  maxPollMs?: number;
}

export const FAKE_TOKEN = "123456789:AAFakeTokenForTheFakeBotApiServer0001";

/** What setWebhook asked for. */
export interface Webhook {
  url: string;
  secret_token?: string;
  allowed_updates?: string[];
}

/** One POST of an update to the webhook, and the status the bot answered (0: no answer). */
export interface WebhookDelivery {
  updateId: number;
  status: number;
}

/** Telegram's answer to getUpdates while a webhook is set. */
const WEBHOOK_ACTIVE = {
  error_code: 409,
  description:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
};

/** Telegram tries again after a failed webhook delivery; the fake a few times, quickly. */
const WEBHOOK_ATTEMPTS = 3;

type Handler = (payload: Record<string, unknown>) => unknown;

export class FakeTelegram {
  readonly token: string;
  readonly bot: UserFromGetMe;
  readonly calls: ApiCall[] = [];
  /** How long each method but getUpdates takes to answer, as a distant or busy Telegram would. */
  latencyMs = 0;
  /** Every POST of an update to the webhook, in order. */
  readonly webhookDeliveries: WebhookDelivery[] = [];
  /** The webhook set by setWebhook, until deleteWebhook. */
  webhook: Webhook | undefined;
  /** Updates being posted to the webhook, one after another. */
  private posting: Promise<void> = Promise.resolve();

  private server: Server | undefined;
  private root = "";
  private readonly updates: UpdateQueue;
  private readonly failures = new Map<string, Array<ApiFailure | "drop">>();
  private readonly changes = new EventEmitter();
  private readonly handlers: Record<string, Handler>;
  /** The chats, people and messages the Bot API methods work on. */
  private readonly state: FakeChats;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? FAKE_TOKEN;
    this.updates = new UpdateQueue(options.maxPollMs ?? 300);
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
    const state = new FakeChats(this.bot, () => this.changed());
    this.state = state;
    this.handlers = {
      getMe: () => this.bot,
      setWebhook: (p) => {
        this.webhook = p as unknown as Webhook;
        this.postQueued();
        return true;
      },
      deleteWebhook: () => {
        this.webhook = undefined;
        return true;
      },
      getWebhookInfo: () => ({
        url: this.webhook?.url ?? "",
        has_custom_certificate: false,
        pending_update_count: 0,
      }),
      setMyCommands: (p) => state.setMyCommands(p),
      sendMessage: (p) => state.sendMessage(p),
      sendPhoto: (p) => state.sendFile("photo", p),
      sendDocument: (p) => state.sendFile("document", p),
      editMessageText: (p) => state.editMessageText(p),
      answerCallbackQuery: (p) => state.answerCallbackQuery(p),
      getChatMember: (p) => state.getChatMember(p),
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

  /** The command menu last set with setMyCommands. */
  get commands(): BotCommand[] {
    return this.state.commands;
  }

  get callbackAnswers(): FakeChats["callbackAnswers"] {
    return this.state.callbackAnswers;
  }

  /** Stops the server and closes every socket, keep-alive ones included, so nothing hangs. */
  async stop(): Promise<void> {
    this.updates.close();
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
    this.state.blockedBy.add(user.id);
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
    this.state.chats.set(chat.id, chat);
  }

  makeAdmin(chatId: number, userId: number): void {
    const set = this.state.admins.get(chatId) ?? new Set<number>();
    set.add(userId);
    this.state.admins.set(chatId, set);
  }

  /** A user sends text in a chat; commands get a bot_command entity as Telegram adds one. */
  userSays(from: User, chat: Chat, text: string, options: { replyTo?: Message } = {}): Message.TextMessage {
    // Writing to the bot in private means the user has (again) allowed it to write back.
    if (chat.type === "private") this.state.blockedBy.delete(from.id);
    this.state.chats.set(chat.id, chat);
    this.state.people.add(from.id);
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const message = {
      message_id: this.state.newMessageId(chat.id),
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
    const id = `cq${this.updates.lastId + 1}`;
    this.state.openQueries.add(id);
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
    const full = this.updates.push(update);
    this.postQueued();
    this.changed();
    return full;
  }

  /** Resolves once every update queued so far has been posted to the webhook (answered or given up). */
  webhookIdle(): Promise<void> {
    return this.posting;
  }

  // --- what tests look at ---------------------------------------------------------------------

  /** The id of the update queued last. */
  get lastUpdateId(): number {
    return this.updates.lastId;
  }

  /** Messages the bot has in this chat, as they are now (after edits). */
  messagesIn(chatId: number): BotMessage[] {
    return this.state.messagesIn(chatId);
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

  // --- the webhook -------------------------------------------------------------------------------

  /** With a webhook set, posts the updates waiting, in order, after those already being posted. */
  private postQueued(): void {
    const webhook = this.webhook;
    if (!webhook) return;
    for (const update of this.updates.take()) {
      this.posting = this.posting.then(() => this.post(webhook, update));
    }
  }

  private async post(webhook: Webhook, update: Update): Promise<void> {
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
      let status = 0;
      try {
        const response = await fetch(webhook.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(webhook.secret_token ? { "x-telegram-bot-api-secret-token": webhook.secret_token } : {}),
          },
          body: JSON.stringify(update),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        // No answer: the connection failed; tried again like any failed delivery.
      }
      this.webhookDeliveries.push({ updateId: update.update_id, status });
      this.changed();
      if (status >= 200 && status < 300) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
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
      payload = await payloadOf(req.headers["content-type"], body);
    } catch {
      return answer(res, { error_code: 400, description: "Bad Request: invalid request body" });
    }
    this.calls.push({ method, payload, at: Date.now() });
    this.changed();
    const failure = this.failures.get(method)?.shift();
    if (failure === "drop") {
      req.socket.destroy();
      return;
    }
    if (failure) return answer(res, failure);
    if (method === "getUpdates") {
      return this.webhook ? answer(res, WEBHOOK_ACTIVE) : this.updates.poll(payload, res);
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
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

  private changed(): void {
    this.changes.emit("change");
  }
}
