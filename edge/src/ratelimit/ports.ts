// Global rate limits, across every conversation and route: one limiter per user and one per client
// IP, sliding window. Redis through @upstash/ratelimit in production (upstash.ts), an in-isolate
// sliding window for `npm start` (memory.ts); both pass the same contract tests. The
// per-conversation token buckets in the ConversationDO stay the local first line.
import { ChatError } from "@edge-chat/protocol";

export interface LimitResult {
  success: boolean;
  /** When the caller may try again (0 when allowed). */
  retryAfterMs: number;
}

export interface GlobalLimiter {
  limit(identifier: string, now: number): Promise<LimitResult>;
}

/** Throws the protocol's `rate_limited` (with its Retry-After) when the limiter refuses. */
export async function enforceLimit(limiter: GlobalLimiter, identifier: string): Promise<void> {
  const result = await limiter.limit(identifier, Date.now());
  if (!result.success) {
    throw new ChatError("rate_limited", "too many requests", {
      retryAfterMs: Math.max(1, result.retryAfterMs),
    });
  }
}

export interface WindowLimit {
  tokens: number;
  windowMs: number;
}

/**
 * Pure: the sliding-window estimate (as @upstash/ratelimit's slidingWindow computes it): the
 * previous fixed window's count weighted by how much of it still overlaps the sliding window, plus
 * the current window's count.
 */
export function slidingWindowAllows(
  limit: WindowLimit,
  counts: { previous: number; current: number },
  now: number,
): LimitResult {
  const windowStart = Math.floor(now / limit.windowMs) * limit.windowMs;
  const overlap = 1 - (now - windowStart) / limit.windowMs;
  const used = Math.floor(counts.previous * overlap) + counts.current;
  if (used < limit.tokens) return { success: true, retryAfterMs: 0 };
  return { success: false, retryAfterMs: windowStart + limit.windowMs - now };
}
