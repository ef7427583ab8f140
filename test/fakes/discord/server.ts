/**
 * A fake Discord on 127.0.0.1 for driving the real discord.js client: REST under /api/v10 and a
 * gateway (HELLO, IDENTIFY, heartbeats and acks, READY, GUILD_CREATE, RESUME, dispatches), with
 * shards: each connection identifies as shard [id, count] and gets the servers Discord would route
 * to it ((guild_id >> 22) % count), and a server's events are dispatched on its shard's connection.
 * It records every request and every gateway frame the client sends, so tests assert on the wire.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter, once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type APIApplicationCommandInteractionDataOption,
  type APIEmbed,
  type APIMessage,
  GatewayDispatchEvents,
  GatewayOpcodes,
  InteractionResponseType,
} from "discord.js";
import { type WebSocket, WebSocketServer } from "ws";
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  type Guild,
  guildCreate,
  guildIdOnShard,
  guildsOf,
  type InteractionOptions,
  message,
  newWorld,
  shardOf,
  snowflake,
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
  /** The shard count GET /gateway/bot recommends (default 1). */
  recommendedShards?: number;
  /** Shards that may identify at once (session_start_limit.max_concurrency; Discord's default is 1). */
  maxConcurrency?: number;
}

/** One gateway connection, and the shard and session it identified (or resumed) as. */
interface Connection {
  socket: WebSocket;
  shard: [number, number];
  session: string | undefined;
}

/** A dispatch sent to the client, and the shard whose connection carried it. */
export interface Dispatched {
  t: string;
  shard: number;
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
  /** Dispatches sent, with the shard that carried each. */
  readonly dispatched: Dispatched[] = [];
  /** Turn off to make the connection a zombie: heartbeats go unanswered. */
  ackHeartbeats = true;
  private readonly heartbeatIntervalMs: number;
  private readonly events = new EventEmitter();
  /** REST answers, including the application's commands as Discord holds them. */
  readonly rest: FakeRest;
  private readonly sessions = new Map<string, { seq: number; shard: [number, number] }>();
  private readonly http: Server;
  private readonly gateway: WebSocketServer;
  /** Open connections, the latest last: a shard's events go to its latest identified one. */
  private readonly live: Connection[] = [];

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? `fake-token.${"x".repeat(60)}`;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.rest = new FakeRest(this.world, this.token, () => this.origin, {
      shards: options.recommendedShards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 1,
    });
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

  /** A new server the bot is in, on `shard` of `count`; its GUILD_CREATE goes to the shards that identify afterwards. */
  addGuild(shard: number, count: number): Guild {
    const guild = { id: guildIdOnShard(shard, count), channelId: snowflake() };
    this.world.otherGuilds.push(guild);
    return guild;
  }

  /**
   * Sends a dispatch event (op 0) on the gateway connection of the shard it belongs to: the one
   * of its server (`guild_id`), or shard 0 for DMs, as Discord routes them.
   */
  dispatch(t: string, d: unknown): void {
    const guildId = (d as { guild_id?: string } | undefined)?.guild_id;
    const connection = this.connectionFor(guildId);
    if (!connection) throw new Error("fake discord: no identified gateway connection");
    this.send(connection, t, d);
  }

  /** The latest identified connection of the shard that receives a server's events (shard 0 for none). */
  private connectionFor(guildId: string | undefined): Connection | undefined {
    const identified = this.live.filter((c) => c.session !== undefined);
    const count = identified.at(-1)?.shard[1] ?? 1;
    const shard = guildId === undefined ? 0 : shardOf(guildId, count);
    return identified.findLast((c) => c.shard[0] === shard);
  }

  private send(connection: Connection, t: string, d: unknown): void {
    const session = this.sessions.get(connection.session ?? "");
    if (!session) throw new Error("fake discord: the connection has no session");
    session.seq += 1;
    this.dispatched.push({ t, shard: connection.shard[0] });
    connection.socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: session.seq, d }));
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
    return this.interact(commandInteraction(this.world, name, options, where));
  }

  /**
   * Presses a button (by its custom id) under a message the bot sent with these components, and
   * resolves once the press has been answered, as `runCommand` does.
   */
  async pressButton(
    customId: string,
    on: { embeds?: APIEmbed[]; components?: APIMessage["components"] },
    where: InteractionOptions = {},
  ): Promise<{ id: string; requests: RecordedRequest[] }> {
    const inGuild = (where.in ?? "guild") === "guild";
    const guild = where.guild ?? (guildsOf(this.world)[0] as Guild);
    const shown = message(this.world, inGuild ? guild.channelId : this.world.dmChannelId, on);
    return this.interact(buttonInteraction(this.world, customId, shown, where));
  }

  private async interact(
    payload: ReturnType<typeof commandInteraction>,
  ): Promise<{ id: string; requests: RecordedRequest[] }> {
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

  private onConnection(socket: WebSocket): void {
    const connection: Connection = { socket, shard: [0, 1], session: undefined };
    this.live.push(connection);
    socket.send(
      JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs } }),
    );
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as GatewayFrame;
      this.frames.push(frame);
      this.onFrame(connection, frame);
      this.events.emit("frame", frame);
    });
    socket.on("close", (code) => {
      this.live.splice(this.live.indexOf(connection), 1);
      this.closes.push(code);
      this.events.emit("close", code);
    });
  }

  private onFrame(connection: Connection, frame: GatewayFrame): void {
    switch (frame.op) {
      case GatewayOpcodes.Heartbeat:
        if (this.ackHeartbeats) connection.socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
        return;
      case GatewayOpcodes.Identify:
        this.identify(connection, frame.d);
        return;
      case GatewayOpcodes.Resume: {
        const session = this.sessions.get(frame.d.session_id);
        if (!session || frame.d.token !== this.token) {
          connection.socket.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
          return;
        }
        connection.session = frame.d.session_id;
        connection.shard = session.shard;
        this.send(connection, GatewayDispatchEvents.Resumed, {});
        return;
      }
    }
  }

  private identify(connection: Connection, d: { token: string; shard?: [number, number] }): void {
    if (d.token !== this.token) {
      connection.socket.close(4004, "Authentication failed.");
      return;
    }
    const shard = d.shard ?? [0, 1];
    const sessionId = randomUUID().replaceAll("-", "");
    this.sessions.set(sessionId, { seq: 0, shard });
    connection.session = sessionId;
    connection.shard = shard;
    const { world } = this;
    const guilds = guildsOf(world).filter((guild) => shardOf(guild.id, shard[1]) === shard[0]);
    this.send(connection, GatewayDispatchEvents.Ready, {
      v: 10,
      user: world.bot,
      guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: sessionId,
      resume_gateway_url: `ws://${this.origin}/resume`,
      shard,
      application: { id: world.applicationId, flags: 0 },
    });
    for (const guild of guilds)
      this.send(connection, GatewayDispatchEvents.GuildCreate, guildCreate(world, guild));
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
