// The global limiter on Redis: @upstash/ratelimit's sliding window, with its ephemeral in-memory
// cache (a caller already blocked in this isolate is refused without a round trip) and a timeout
// after which it lets the request through (as it does when Redis fails outright): Redis being slow or gone must not take chat down.
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { GlobalLimiter, WindowLimit } from "./ports.ts";

export function upstashLimiter(
  redis: Redis,
  limit: WindowLimit & { prefix: string; timeoutMs: number },
): GlobalLimiter {
  const limiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(limit.tokens, `${limit.windowMs} ms`),
    prefix: limit.prefix,
    ephemeralCache: new Map(),
    timeout: limit.timeoutMs,
    analytics: false,
  });
  return {
    async limit(identifier, now) {
      let result: Awaited<ReturnType<Ratelimit["limit"]>>;
      try {
        result = await limiter.limit(identifier);
      } catch (error) {
        // Redis refused or is unreachable: the timeout covers slowness, this covers failure.
        console.warn("global rate limit unavailable; allowing", String(error));
        return { success: true, retryAfterMs: 0 };
      }
      return {
        success: result.success,
        retryAfterMs: result.success ? 0 : Math.max(0, result.reset - now),
      };
    },
  };
}
