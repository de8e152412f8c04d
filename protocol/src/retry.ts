// The one retry policy: exponential backoff with full jitter and a cap, deciding only from
// `retriable`. The edge's region outbox flusher, region-core's Kafka publishing and the SDK's
// reconnect share it.
import { ChatError } from "./errors.ts";

export interface RetryPolicy {
  /** Delay before the first retry, in milliseconds. */
  initialDelayMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Upper bound of any single delay. */
  maxDelayMs: number;
  /** Attempts after which to give up; Infinity for "until it works" (e.g. an outbox). */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialDelayMs: 200,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * Delay before retry number `attempt` (0-based): uniformly random in [base/2, base] where
 * base = min(maxDelay, initial × factor^attempt). Half-jitter keeps retries apart without ever
 * retrying immediately. `random` is injected so tests are deterministic.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.factor ** Math.max(0, attempt),
  );
  return Math.round(base / 2 + random() * (base / 2));
}

/** Whether an error is worth retrying: ChatErrors say so themselves; unknown errors (network) are. */
export function isRetriable(error: unknown): boolean {
  return error instanceof ChatError ? error.retriable : true;
}

/**
 * Runs `operation` until it succeeds, a non-retriable error occurs, or attempts run out. `sleep` is
 * the caller's: timers are a platform API, and tests pass an instant one.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: { sleep: (ms: number) => Promise<void>; policy?: RetryPolicy; random?: () => number },
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetriable(error) || attempt + 1 >= policy.maxAttempts) throw error;
      const hinted = error instanceof ChatError ? error.retryAfterMs : undefined;
      await options.sleep(Math.max(hinted ?? 0, backoffDelay(attempt, policy, options.random)));
    }
  }
}
