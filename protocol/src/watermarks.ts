// Receipt watermarks: the merge every holder applies (the ConversationDO when a member reports, the
// region's persister when it coalesces receipt events, its stores when two writes meet). They only
// move forward, and reading implies having received. Pure.
import type { Watermark } from "./ids.ts";

/** A member's delivery and read watermarks in one conversation. */
export interface Watermarks {
  deliveredUpTo: Watermark;
  readUpTo: Watermark;
}

/** The watermarks with "read implies delivered" applied: delivered is raised to read. */
export function readImpliesDelivered<T extends Watermarks>(marks: T): T {
  return marks.deliveredUpTo >= marks.readUpTo
    ? marks
    : { ...marks, deliveredUpTo: marks.readUpTo };
}

/**
 * Merges two sightings of the same member's watermarks: each the greater, then read implies
 * delivered. Commutative, associative and idempotent, so replays and reorders are harmless.
 */
export function mergeWatermarks(a: Watermarks, b: Watermarks): Watermarks {
  return readImpliesDelivered({
    deliveredUpTo: Math.max(a.deliveredUpTo, b.deliveredUpTo),
    readUpTo: Math.max(a.readUpTo, b.readUpTo),
  });
}
