import { autoRetry } from "@grammyjs/auto-retry";
import type { Api, Transformer } from "grammy";
import { DeliveryError } from "../../core/errors.ts";
import type { Logger } from "../../core/ports.ts";
import type { Reply } from "../../core/reply.ts";
import type { LimiterFactory } from "../../limits/limiters.ts";
import { chatIdOf } from "./address.ts";
import { describeApiError, sendReply, toDeliveryError } from "./delivery.ts";
import { type SendBudget, sendBudget, type ThrottleLimits } from "./throttle.ts";

/**
 * How long one API call may take, auto-retries included, once the throttle lets it go (waiting
 * for a turn is not counted: a large fan-out queues for longer than this, by design).
 */
const CALL_TIMEOUT_MS = 60_000;
/** A 429 asking to wait longer than this fails the call instead of holding a reply that long. */
const MAX_RETRY_AFTER_SECONDS = 60;

export interface ApiRules {
  logger: Logger;
  /** Telegram's rate limits by default; tests shrink them. */
  limits?: ThrottleLimits | undefined;
  /** Where the rate budgets are kept: shared by every process on a database. */
  limiters?: LimiterFactory | undefined;
}

/** Telegram's send budgets over the limits and store given (see throttle.ts). */
export const budgetFor = ({ limits, limiters }: ApiRules): SendBudget => sendBudget(limits, limiters);

/**
 * The rules every Bot API call follows, in the adapter and in a worker's outbox alike: the time
 * limit, auto-retry and logging, then the send budget's transformer when one is given (replies get
 * theirs per update). The last transformer runs first. Logging sits inside auto-retry, so every
 * failed attempt is seen, not just the last; the budget sits outside it, so a retry after a 429
 * keeps the wait Telegram asked for.
 */
export function applyApiRules(api: Api, logger: Logger, budget?: Transformer): void {
  api.config.use(
    logFailures(logger),
    autoRetry({ maxDelaySeconds: MAX_RETRY_AFTER_SECONDS, maxRetryAttempts: 5 }),
    timeLimit(CALL_TIMEOUT_MS),
    ...(budget ? [budget] : []),
  );
}

/** Posts a reply to the Telegram chat at an address; throws DeliveryError when it cannot. */
export async function postTo(api: Api, address: string, content: Reply, signal: AbortSignal): Promise<void> {
  const chatId = chatIdOf(address);
  if (chatId === undefined) {
    throw new DeliveryError(`"${address}" is not a Telegram chat`, true, "not a Telegram chat");
  }
  try {
    await sendReply(api, chatId, content, { signal });
  } catch (error) {
    throw toDeliveryError(error);
  }
}

/** Bounds every call but the long poll (which has its own timeout): a hung request fails. */
function timeLimit(ms: number): Transformer {
  return (prev, method, payload, signal) => {
    if (method === "getUpdates") return prev(method, payload, signal);
    const limit = AbortSignal.timeout(ms);
    const bounded = signal ? AbortSignal.any([signal as AbortSignal, limit]) : limit;
    return prev(method, payload, bounded as typeof signal);
  };
}

/** Logs each refused or failed API call without its payload (message text may be personal). */
function logFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) {
        const { error_code, description, parameters } = result;
        logger.warn({ method, error_code, description, parameters }, "Telegram refused an API call");
      }
      return result;
    } catch (error) {
      if (!signal?.aborted) logger.warn({ method, err: describeApiError(error) }, "Telegram API unreachable");
      throw error;
    }
  };
}
