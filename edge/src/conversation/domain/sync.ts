// Sync planning: which messages a reconnecting device gets, given what the window still holds.
import type { Watermark } from "@edge-chat/protocol";

export type SyncPlan =
  /** The messages after afterSeq are no longer all in the window. */
  | { kind: "gap"; oldestSeq: number }
  /** Send seqs fromSeq..toSeq (empty when fromSeq > toSeq); `more` when the head is further. */
  | { kind: "batch"; fromSeq: number; toSeq: Watermark; more: boolean };

export function planSync(input: {
  afterSeq: Watermark;
  limit: number;
  /** Oldest seq the window holds; lastSeq + 1 when the window is empty. */
  oldestSeq: number;
  lastSeq: Watermark;
}): SyncPlan {
  const { limit, oldestSeq, lastSeq } = input;
  // A client claiming to be ahead of the conversation simply has nothing to catch up on.
  const afterSeq = Math.min(input.afterSeq, lastSeq);
  if (afterSeq + 1 < oldestSeq && afterSeq < lastSeq) return { kind: "gap", oldestSeq };
  const toSeq = Math.min(lastSeq, afterSeq + limit);
  return { kind: "batch", fromSeq: afterSeq + 1, toSeq, more: toSeq < lastSeq };
}
