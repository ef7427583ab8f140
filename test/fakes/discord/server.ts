/**
 * A fake Discord on 127.0.0.1 for driving the real discord.js client: REST under /api/v10 and a
 * gateway (HELLO, IDENTIFY, heartbeats and acks, READY, GUILD_CREATE, RESUME, dispatches).
 * It records every request and every gateway frame the client sends, so tests assert on the wire.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter, once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type APIApplicationCommandInteractionDataOption,
  GatewayDispatchEvents,
  GatewayOpcodes,
  InteractionResponseType,
} from "discord.js";
import { type WebSocket, WebSocketServer } from "ws";
import {
  autocompleteInteraction,
  commandInteraction,
  guildCreate,
  type InteractionOptions,
  newWorld,
  type World,
} from "./payloads.ts";
import { type ApiError, bodyOf, FakeRest, type RecordedRequest } from "./rest.ts";

export type { ApiError, RecordedRequest };

export interface GatewayFrame {
  op: number;
  // biome-ignore lint/suspicious/noExplicitAny: payloads vary by opcode
  d: any;
}

export interface FakeDiscordOptions {
  /** The only token the fake accepts. */
  token?: string;
  /** HELLO's heartbeat interval; Discord's is about 41 s, tests of zombie connections use less. */
  heartbeatIntervalMs?: number;
}

const API_PREFIX = "/api/v10";

export class FakeDiscord {
  readonly token: string;
  readonly world: World = newWorld();
  readonly requests: RecordedRequest[] = [];
  /** Frames the client sent on the gateway, in order (IDENTIFY, RESUME, heartbeats...). */
  readonly frames: GatewayFrame[] = [];
  /** The URL (path and query) of each gateway connection, in order. */
  readonly connections: string[] = [];
  /** Close codes of gateway connections the client closed or lost. */
  readonly closes: number[] = [];
  /** Turn off to make the connection a zombie: heartbeats go unanswered. */
  ackHeartbeats = true;
  private readonly heartbeatIntervalMs: number;
  private readonly events = new EventEmitter();
  /** REST answers, including the application's commands as Discord holds them. */
  readonly rest: FakeRest;
  private readonly sessions = new Map<string, { seq: number }>();
  private readonly http: Server;
  private readonly gateway: WebSocketServer;
  private socket: WebSocket | undefined;
  private session: string | undefined;

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? `fake-token.${"x".repeat(60)}`;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.rest = new FakeRest(this.world, this.token, () => this.origin);
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.gateway = new WebSocketServer({ server: this.http });
    this.gateway.on("connection", (socket, request) => {
      this.connections.push(request.url ?? "/");
      this.onConnection(socket);
    });
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    fake.http.listen(0, "127.0.0.1");
    await once(fake.http, "listening");
    return fake;
  }

  private get origin(): string {
    return `127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** The REST base to give discord.js (it appends /v10). */
  get apiUrl(): string {
    return `http://${this.origin}/api`;
  }

  /** Makes the next `times` posts to this channel (all of them by default) fail with a Discord error (e.g. 10003 Unknown Channel). */
  failChannel(channelId: string, error: ApiError, times = Number.POSITIVE_INFINITY): void {
    this.rest.failChannel(channelId, error, times);
  }

  /** Makes the next interaction callback fail with a Discord error; the ones after succeed. */
  failNextCallback(error: ApiError): void {
    this.rest.failNextCallback(error);
  }

  /** Sends a dispatch event (op 0) on the current gateway connection. */
  dispatch(t: string, d: unknown): void {
    const session = this.session && this.sessions.get(this.session);
    if (!this.socket || !session) throw new Error("fake discord: no identified gateway connection");
    session.seq += 1;
    this.socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: session.seq, d }));
  }

  /** Resolves with the first request (already made or still to come) that matches. */
  waitForRequest(match: (request: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    return this.waitFor("request", this.requests, match, timeoutMs);
  }

  /** Resolves once `count` matching requests have been made, with all of them. */
  async waitForRequests(
    match: (request: RecordedRequest) => boolean,
    count: number,
    timeoutMs = 5000,
  ): Promise<RecordedRequest[]> {
    await this.waitForRequest(() => this.requests.filter(match).length >= count, timeoutMs);
    return this.requests.filter(match);
  }

  /** Resolves with the first gateway frame from the client that matches. */
  waitForFrame(match: (frame: GatewayFrame) => boolean, timeoutMs = 5000): Promise<GatewayFrame> {
    return this.waitFor("frame", this.frames, match, timeoutMs);
  }

  /** Resolves when a gateway connection has closed with this code (1000: the client shut down). */
  waitForClose(code: number, timeoutMs = 5000): Promise<number> {
    return this.waitFor("close", this.closes, (c) => c === code, timeoutMs);
  }

  /** Requests made for one interaction (its callback and webhook calls), in order. */
  requestsFor(token: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(`/${token}`));
  }

  /**
   * Sends a slash command and resolves once it has been answered: the callback, and for a deferred
   * answer the edit or follow-up that completes it. Resolves with every request for it so far.
   */
  async runCommand(
    name: string,
    options: APIApplicationCommandInteractionDataOption[] = [],
    where: InteractionOptions = {},
  ): Promise<{ id: string; requests: RecordedRequest[] }> {
    const payload = commandInteraction(this.world, name, options, where);
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    const forThis = (r: RecordedRequest) => r.path.includes(`/${payload.token}`);
    const callback = await this.waitForRequest((r) => forThis(r) && r.path.endsWith("/callback"));
    if (callback.body.type === InteractionResponseType.DeferredChannelMessageWithSource) {
      await this.waitForRequest(
        (r) => forThis(r) && r.path.startsWith("/webhooks/") && r.method !== "DELETE",
      );
    }
    return { id: payload.id, requests: this.requestsFor(payload.token) };
  }

  /** Sends an autocomplete interaction and resolves with the choices the bot answered. */
  async autocomplete(
    name: string,
    options: APIApplicationCommandInteractionDataOption[],
    where: InteractionOptions = {},
  ): Promise<RecordedRequest> {
    const payload = autocompleteInteraction(this.world, name, options, where);
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return this.waitForRequest((r) => r.path === `/interactions/${payload.id}/${payload.token}/callback`);
  }

  async stop(): Promise<void> {
    for (const client of this.gateway.clients) client.terminate();
    this.gateway.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private waitFor<T>(
    event: string,
    seen: readonly T[],
    match: (item: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    const found = seen.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off(event, listener);
        reject(new Error(`fake discord: timed out after ${timeoutMs} ms waiting for a ${event}`));
      }, timeoutMs);
      const listener = (item: T) => {
        if (!match(item)) return;
        clearTimeout(timer);
        this.events.off(event, listener);
        resolve(item);
      };
      this.events.on(event, listener);
    });
  }

  // ---- gateway ----

  private send(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }

  private onConnection(socket: WebSocket): void {
    this.socket = socket;
    this.send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs } });
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as GatewayFrame;
      this.frames.push(frame);
      this.onFrame(socket, frame);
      this.events.emit("frame", frame);
    });
    socket.on("close", (code) => {
      this.closes.push(code);
      this.events.emit("close", code);
    });
  }

  private onFrame(socket: WebSocket, frame: GatewayFrame): void {
    switch (frame.op) {
      case GatewayOpcodes.Heartbeat:
        if (this.ackHeartbeats) this.send(socket, { op: GatewayOpcodes.HeartbeatAck });
        return;
      case GatewayOpcodes.Identify:
        this.identify(socket, frame.d.token);
        return;
      case GatewayOpcodes.Resume: {
        const known = this.sessions.has(frame.d.session_id) && frame.d.token === this.token;
        if (!known) {
          this.send(socket, { op: GatewayOpcodes.InvalidSession, d: false });
          return;
        }
        this.session = frame.d.session_id;
        this.dispatch(GatewayDispatchEvents.Resumed, {});
        return;
      }
    }
  }

  private identify(socket: WebSocket, token: string): void {
    if (token !== this.token) {
      socket.close(4004, "Authentication failed.");
      return;
    }
    const sessionId = randomUUID().replaceAll("-", "");
    this.sessions.set(sessionId, { seq: 0 });
    this.session = sessionId;
    const { world } = this;
    this.dispatch(GatewayDispatchEvents.Ready, {
      v: 10,
      user: world.bot,
      guilds: [{ id: world.guildId, unavailable: true }],
      session_id: sessionId,
      resume_gateway_url: `ws://${this.origin}/resume`,
      shard: [0, 1],
      application: { id: world.applicationId, flags: 0 },
    });
    this.dispatch(GatewayDispatchEvents.GuildCreate, guildCreate(world));
  }

  // ---- REST ----

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${this.origin}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const rawPath = url.pathname.startsWith(API_PREFIX)
      ? url.pathname.slice(API_PREFIX.length)
      : url.pathname;
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      rawPath,
      path: decodeURIComponent(rawPath),
      query: url.searchParams,
      authorization: req.headers.authorization,
      ...(await bodyOf(req.headers["content-type"], raw)),
      at: Date.now(),
    };
    this.requests.push(request);
    const [status, body] = url.pathname.startsWith(API_PREFIX)
      ? this.rest.route(request)
      : [404, { message: "404: Not Found", code: 0 }];
    request.status = status;
    res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
    res.end(body === undefined ? undefined : JSON.stringify(body));
    this.events.emit("request", request);
  }
}
