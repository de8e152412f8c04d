// Outbox batching as a pure decision: when the next flush is due. (Region health and choice belong
// to @edge-chat/geo-router, see region.ts.)

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
