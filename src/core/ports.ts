import type { Reply } from "./reply.ts";

/** Side effects the engine needs, passed in so tests can give fixed ones. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The subset of pino's logger the code uses; tests pass a silent or recording one. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Posting to a platform's chats without receiving anything: what a worker process needs to send
 * scheduled nudges (the platform's HTTP API alone: no gateway connection, no polling).
 */
export interface Outbox {
  /** A short name for the logs, e.g. its folder's name. */
  readonly name: string;
  /** Whether an address is one of this platform's (one its adapter encoded). */
  owns(address: string): boolean;
  /** Posts a reply to one of its chats (scheduled nudges); throws DeliveryError when it cannot. */
  send(address: string, reply: Reply): Promise<void>;
  /** Gives up sends still waiting for a turn and closes the client. */
  stop(): Promise<void>;
}

/**
 * A way people reach the bot (a chat platform, the console): one folder in src/adapters/. It
 * translates its events into `Inbound`s for the core and delivers the responses; it owns the
 * addresses it encoded (its chats and users), and nothing else parses them.
 */
export interface Adapter extends Outbox {
  /** Connects and resolves once messages are being received; rejects with a fix-it message on a bad token. */
  start(): Promise<void>;
  /** Stops taking new messages, waits for those in flight, closes the client. */
  stop(): Promise<void>;
  /** Resolves when the adapter ends by itself (the console's input closed); absent when it never does. */
  readonly ended?: Promise<void>;
}

/** A lock held by one process among all those sharing a database, until released or the process dies. */
export interface Lease {
  release(): Promise<void>;
}

/** Named locks across the processes sharing a backend (one Telegram poller, one Discord gateway). */
export interface Leases {
  /** Takes the lock, or resolves undefined at once when another process holds it. */
  acquire(name: string): Promise<Lease | undefined>;
}

/** A backend only one process can open (the data file) needs no lock between processes. */
export const soleProcess: Leases = { acquire: async () => ({ release: async () => undefined }) };

/** Tells the nudge scheduler that a subscription was created, changed or removed. */
export interface NudgeSchedule {
  changed(key: string): void;
}

/** For contexts with no scheduler running (tests of other commands, one-off scripts). */
export const noSchedule: NudgeSchedule = { changed() {} };

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; firstRefusal: boolean };

/** A per-user budget of commands, checked before each one runs. */
export interface RateLimit {
  take(userId: string): Promise<RateVerdict>;
}

export const noRateLimit: RateLimit = { take: async () => ({ ok: true }) };
