// The retry state of an outbox that delivers over the network (the region outbox, the inbox
// outbox): how many deliveries failed in a row and when the next may start, with the backoff
// written once. Kept in the Durable Object's storage so a wake-up after eviction still waits.
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from "@edge-chat/protocol";
import { type KvKey, kvKey, type TypedKv } from "./kv.ts";

export class RetryState {
  private readonly kv: TypedKv;
  private readonly attemptsKey: KvKey<number>;
  private readonly retryAtKey: KvKey<number>;
  private readonly policy: RetryPolicy;
  /** The stored retryAt, read once (every write goes through this object). */
  private cached: { retryAt: number | undefined } | undefined;

  /** `scope` names the keys ("scope:attempts", "scope:retryAt"). */
  constructor(kv: TypedKv, scope: string, policy: RetryPolicy = DEFAULT_RETRY) {
    this.kv = kv;
    this.attemptsKey = kvKey<number>(`${scope}:attempts`);
    this.retryAtKey = kvKey<number>(`${scope}:retryAt`);
    this.policy = policy;
  }

  /** Not before this time (set after a failure); undefined when no retry is pending. */
  retryAt(): number | undefined {
    this.cached ??= { retryAt: this.kv.get(this.retryAtKey) };
    return this.cached.retryAt;
  }

  /** A delivery failed: one more attempt, the next after a jittered, capped backoff. */
  failed(now: number): number {
    const attempts = (this.kv.get(this.attemptsKey) ?? 0) + 1;
    const retryAt = now + backoffDelay(attempts - 1, this.policy);
    this.kv.set(this.attemptsKey, attempts);
    this.kv.set(this.retryAtKey, retryAt);
    this.cached = { retryAt };
    return retryAt;
  }

  /** Not before `at`, without counting a failure (a failback waiting for a region to drain). */
  deferUntil(at: number): void {
    this.kv.set(this.retryAtKey, at);
    this.cached = { retryAt: at };
  }

  /** A delivery succeeded: the backoff starts over (no write when nothing was pending). */
  succeeded(): void {
    if (this.retryAt() === undefined) return;
    this.kv.delete(this.attemptsKey);
    this.kv.delete(this.retryAtKey);
    this.cached = { retryAt: undefined };
  }

  /** Forgets the cached value (after a rolled-back transaction). */
  dropCache(): void {
    this.cached = undefined;
  }
}
