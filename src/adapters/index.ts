import { DeliveryError } from "../core/errors.ts";
import type { Core } from "../core/handle.ts";
import type { Adapter, Leases, Logger, Outbox } from "../core/ports.ts";
import type { LimiterFactory } from "../limits/limiters.ts";
import type { Sender } from "../scheduler/scheduler.ts";
import { discord } from "./discord/platform.ts";
import { telegram } from "./telegram/platform.ts";

/**
 * The chat platforms Stepwise can run on. A new one is a folder in src/adapters/ (its adapter,
 * renderer and `platform.ts`), its fake in test/fakes/, the contract suite, and one line here.
 */
export const platforms: readonly Platform[] = [telegram, discord];

/** What a platform's folder tells the rest of the program, without loading its library. */
export interface Platform {
  name: string;
  /** Reads its variables from the environment: what is wrong with them, or how to start it. */
  configure(env: NodeJS.ProcessEnv): Configured;
}

/** What the processes sharing a backend coordinate through, handed to each platform. */
export interface Shared {
  logger: Logger;
  /** Locks one process holds among those sharing the database (one poller, one gateway). */
  leases: Leases;
  /** Where rate budgets are kept: in the database when shared, so they hold across processes. */
  limiters: LimiterFactory;
}

export type Configured =
  | { ok: false; issues: string[] }
  | {
      ok: true;
      /** Its token, when set: the platform is started, and the token is scrubbed from the logs. */
      token: string | undefined;
      /**
       * How it receives: through a `gateway`, a connection only one process may hold (Discord's
       * gateway, Telegram's long poll), or a `webhook` posted to any number of instances.
       */
      receiving: "gateway" | "webhook";
      /** Receives and answers. Loaded only when used: each platform library costs tens of MB the console does not need. */
      create(core: Core, shared: Shared): Promise<Adapter>;
      /** Sends only, through the platform's HTTP API (a worker's nudges): no gateway, no polling. */
      outbox(shared: Shared): Promise<Outbox>;
    };

/** Delivers to the chat at an address through whichever running adapter or outbox owns it. */
export function senderFor(outboxes: readonly Outbox[]): Sender {
  return async (address, reply) => {
    const outbox = outboxes.find((candidate) => candidate.owns(address));
    if (!outbox) {
      throw new DeliveryError(`no running adapter owns ${address}`, false, "its platform is not connected");
    }
    await outbox.send(address, reply);
  };
}
