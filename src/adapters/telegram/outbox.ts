import { setMaxListeners } from "node:events";
import { Api } from "grammy";
import type { Outbox } from "../../core/ports.ts";
import { isTelegramAddress } from "./address.ts";
import { type ApiRules, applyApiRules, budgetFor, postTo } from "./api.ts";

export interface TelegramOutboxOptions extends ApiRules {
  token: string;
  apiRoot?: string | undefined;
}

/**
 * Sending without receiving (a worker's nudges): grammY's Bot API client under the adapter's
 * rules and rate budgets, with no polling and no webhook, so any number of processes may send.
 */
export function createTelegramOutbox(options: TelegramOutboxOptions): Outbox {
  const { token, apiRoot } = options;
  const api = new Api(token, apiRoot === undefined ? undefined : { apiRoot });
  applyApiRules(api, options.logger, budgetFor(options).scheduled);
  const closing = new AbortController();
  // Every send waiting for its turn listens for the stop: a fan-out has hundreds.
  setMaxListeners(0, closing.signal);
  return {
    name: "telegram",
    owns: isTelegramAddress,
    send: (address, reply) => postTo(api, address, reply, closing.signal),
    async stop() {
      closing.abort();
    },
  };
}
