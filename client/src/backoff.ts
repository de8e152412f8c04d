// Reconnect pacing: the protocol's one retry policy (exponential, half-jitter, capped), with the
// attempt count reset once a connection has stayed up long enough to count as stable, so a server
// that accepts and immediately drops connections cannot make the client hammer it.
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from "@edge-chat/protocol";

export interface BackoffOptions {
  policy?: RetryPolicy;
  /** How long a connection must stay open before the next failure starts from attempt 0 again. */
  stableAfterMs?: number;
  random?: () => number;
}

export class Backoff {
  readonly #policy: RetryPolicy;
  readonly #stableAfterMs: number;
  readonly #random: () => number;
  #attempt = 0;
  #openedAt: number | undefined;

  constructor(options: BackoffOptions = {}) {
    this.#policy = options.policy ?? DEFAULT_RETRY;
    this.#stableAfterMs = options.stableAfterMs ?? 5_000;
    this.#random = options.random ?? Math.random;
  }

  get attempt(): number {
    return this.#attempt;
  }

  /** The connection is up (its welcome arrived). */
  opened(now: number): void {
    this.#openedAt = now;
  }

  /** The delay before the next attempt, or undefined once the policy's attempts are spent. */
  next(now: number): number | undefined {
    if (this.#openedAt !== undefined && now - this.#openedAt >= this.#stableAfterMs) {
      this.#attempt = 0;
    }
    this.#openedAt = undefined;
    if (this.#attempt >= this.#policy.maxAttempts) return undefined;
    return backoffDelay(this.#attempt++, this.#policy, this.#random);
  }

  reset(): void {
    this.#attempt = 0;
    this.#openedAt = undefined;
  }
}
