// Region outbox batching as a pure decision: when the next flush is due. (Region health and choice
// belong to @edge-chat/geo-router, through the one region client in ../region/.)
//
// Batching is by load, not by a timer: with the default linger of 0 a conversation flushes as soon
// as it has an event and no retry is pending. The DO runs one flush at a time (pump.ts), so what
// arrives while a batch is in flight waits for that round trip and leaves as the next batch: an
// idle conversation sends each message at once (lag = one round trip), a busy one sends batches
// that grow with its rate. A positive linger (REGION_OUTBOX_MAX_AGE_MS) trades lag for fewer,
// fuller batches.

export interface RegionOutboxSnapshot {
  count: number;
  oldestCreatedAt: number | undefined;
  /** Set after a failed flush: not before this time. */
  retryAt: number | undefined;
}

export interface RegionOutboxPolicy {
  /** A full batch leaves at once, whatever the linger. */
  batchSize: number;
  /** Longest a partial batch waits for more events; 0 = flush whenever the region is free. */
  maxAgeMs: number;
}

/** When the next flush is due: after a failure at its retry time; otherwise see the header. */
export function flushDueAt(
  outbox: RegionOutboxSnapshot,
  policy: RegionOutboxPolicy,
  now: number,
): number | undefined {
  if (outbox.count === 0) return undefined;
  if (outbox.retryAt !== undefined) return outbox.retryAt;
  if (outbox.count >= policy.batchSize || policy.maxAgeMs === 0) return now;
  return (outbox.oldestCreatedAt ?? now) + policy.maxAgeMs;
}
