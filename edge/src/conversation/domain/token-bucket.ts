// Token buckets for rate limiting: pure functions over a plain {tokens, updatedAt} value, so the
// state can live in a WebSocket attachment (per connection) or a SQLite row (per user).

export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface BucketPolicy {
  /** Tokens added per second. */
  perSec: number;
  /** Capacity: the most tokens a bucket holds, i.e. the largest burst. */
  burst: number;
}

/** A bucket after refilling up to `now`; a missing bucket starts full. */
export function refill(bucket: Bucket | undefined, policy: BucketPolicy, now: number): Bucket {
  if (!bucket) return { tokens: policy.burst, updatedAt: now };
  const elapsed = Math.max(0, now - bucket.updatedAt);
  return {
    tokens: Math.min(policy.burst, bucket.tokens + (elapsed * policy.perSec) / 1000),
    updatedAt: Math.max(now, bucket.updatedAt),
  };
}

/** Milliseconds until a refilled bucket holds `cost` tokens (0 when it already does). */
export function waitFor(bucket: Bucket, policy: BucketPolicy, cost = 1): number {
  if (bucket.tokens >= cost) return 0;
  return Math.ceil(((cost - bucket.tokens) * 1000) / policy.perSec);
}

export type TakeResult = { ok: true; buckets: Bucket[] } | { ok: false; retryAfterMs: number };

/**
 * Takes `cost` from every bucket at once, or from none: a request must pass the per-user and the
 * per-connection limits together, and a refused request consumes nothing.
 */
export function takeAll(
  entries: { bucket: Bucket | undefined; policy: BucketPolicy }[],
  now: number,
  cost = 1,
): TakeResult {
  const refilled = entries.map((e) => refill(e.bucket, e.policy, now));
  const wait = Math.max(0, ...refilled.map((b, i) => waitFor(b, entries[i]!.policy, cost)));
  if (wait > 0) return { ok: false, retryAfterMs: wait };
  return { ok: true, buckets: refilled.map((b) => ({ ...b, tokens: b.tokens - cost })) };
}
