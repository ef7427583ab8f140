// The classes rate-limiter-flexible's own types declare, at the paths they are loaded from.
declare module "rate-limiter-flexible/lib/RateLimiterMemory.js" {
  import type { RateLimiterMemory } from "rate-limiter-flexible";

  const Limiter: typeof RateLimiterMemory;
  export default Limiter;
}
declare module "rate-limiter-flexible/lib/RateLimiterPostgres.js" {
  import type { RateLimiterPostgres } from "rate-limiter-flexible";

  const Limiter: typeof RateLimiterPostgres;
  export default Limiter;
}
declare module "rate-limiter-flexible/lib/RateLimiterQueue.js" {
  import type { RateLimiterQueue } from "rate-limiter-flexible";

  const Queue: typeof RateLimiterQueue;
  export default Queue;
}
declare module "rate-limiter-flexible/lib/RateLimiterRes.js" {
  import type { RateLimiterRes } from "rate-limiter-flexible";

  const Res: typeof RateLimiterRes;
  export default Res;
}
