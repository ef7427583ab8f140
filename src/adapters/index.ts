import { DeliveryError } from "../core/errors.ts";
import type { Core } from "../core/handle.ts";
import type { Adapter } from "../core/ports.ts";
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

export type Configured =
  | { ok: false; issues: string[] }
  | {
      ok: true;
      /** Its token, when set: the platform is started, and the token is scrubbed from the logs. */
      token: string | undefined;
      /** Loaded only when used: each platform library costs tens of MB the console does not need. */
      create(core: Core): Promise<Adapter>;
    };

/** Delivers to the chat at an address through whichever running adapter owns it. */
export function senderFor(adapters: readonly Adapter[]): Sender {
  return async (address, reply) => {
    const adapter = adapters.find((candidate) => candidate.owns(address));
    if (!adapter) {
      throw new DeliveryError(`no running adapter owns ${address}`, false, "its platform is not connected");
    }
    await adapter.send(address, reply);
  };
}
