/**
 * rate-limiter-flexible's index loads every backend it supports (Redis, Mongo, SQL, DynamoDB,
 * cluster...), about 9 MB of memory in a running bot; only the in-memory limiter and its queue are
 * used, so they are loaded on their own (types: rateLimiterFlexible.d.ts).
 */
import RateLimiterMemory from "rate-limiter-flexible/lib/RateLimiterMemory.js";
import RateLimiterQueue from "rate-limiter-flexible/lib/RateLimiterQueue.js";
import RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes.js";

export { RateLimiterMemory, RateLimiterQueue, RateLimiterRes };
