// Outbox batching and region health, as pure decisions: when the next flush is due, which region
// gets a batch, and how a region's circuit breaker moves on success and failure.

export interface OutboxSnapshot {
  count: number;
  oldestCreatedAt: number | undefined;
  /** Set after a failed flush: not before this time. */
  retryAt: number | undefined;
}

/** When the next flush is due: a full batch at once, a partial one when its oldest event is maxAgeMs old. */
export function flushDueAt(
  outbox: OutboxSnapshot,
  policy: { batchSize: number; maxAgeMs: number },
  now: number,
): number | undefined {
  if (outbox.count === 0) return undefined;
  if (outbox.retryAt !== undefined) return outbox.retryAt;
  if (outbox.count >= policy.batchSize) return now;
  return (outbox.oldestCreatedAt ?? now) + policy.maxAgeMs;
}

export interface BreakerState {
  /** Consecutive failures. */
  failures: number;
  /** While in the future, the region is skipped (open); after it, one batch may probe it. */
  openUntil: number;
}

export const CLOSED: BreakerState = { failures: 0, openUntil: 0 };

export const BREAKER = {
  /** Consecutive failures that open a region's breaker. */
  threshold: 3,
  /** How long an open breaker skips the region. */
  cooldownMs: 30_000,
} as const;

export function recordFailure(state: BreakerState, now: number): BreakerState {
  const failures = state.failures + 1;
  return {
    failures,
    openUntil: failures >= BREAKER.threshold ? now + BREAKER.cooldownMs : state.openUntil,
  };
}

export function recordSuccess(): BreakerState {
  return CLOSED;
}

/**
 * The first region (in preference order) whose breaker is closed or ready to probe; when all are
 * open, the one that reopens soonest, so the outbox keeps trying rather than stalling.
 */
export function pickHealthy<R extends { id: string }>(
  regions: R[],
  breakers: (id: string) => BreakerState,
  now: number,
): R | undefined {
  if (regions.length === 0) return undefined;
  const ready = regions.find((r) => breakers(r.id).openUntil <= now);
  if (ready) return ready;
  return [...regions].sort((a, b) => breakers(a.id).openUntil - breakers(b.id).openUntil)[0];
}
