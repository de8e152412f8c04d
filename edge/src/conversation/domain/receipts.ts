// Receipts as per-member watermarks: they only move forward, read implies delivered, and a member's
// "status" of their own messages is the peer's watermark (direct) or the minimum over every other
// member (group). Storage stays O(members).
import {
  type MemberReceipt,
  mergeWatermarks,
  type UserId,
  type Watermark,
} from "@edge-chat/protocol";

export type ReceiptKind = "delivered" | "read";

/** The watermarks after a member reports `kind` up to `upToSeq` (clamped to lastSeq); null if unchanged. */
export function advance(
  current: MemberReceipt,
  kind: ReceiptKind,
  upToSeq: number,
  lastSeq: Watermark,
): MemberReceipt | null {
  const upTo = Math.min(upToSeq, lastSeq);
  const next: MemberReceipt = {
    userId: current.userId,
    ...mergeWatermarks(current, { deliveredUpTo: upTo, readUpTo: kind === "read" ? upTo : 0 }),
  };
  const changed =
    next.deliveredUpTo !== current.deliveredUpTo || next.readUpTo !== current.readUpTo;
  return changed ? next : null;
}

export interface StatusWatermarks {
  delivered: Watermark;
  read: Watermark;
}

/**
 * For every member, how far their own messages are delivered and read: the minimum over all other
 * members (in a direct chat that is the one peer). A member alone sees 0.
 */
export function statusWatermarks(receipts: MemberReceipt[]): Map<UserId, StatusWatermarks> {
  const result = new Map<UserId, StatusWatermarks>();
  const minExcluding = (field: "deliveredUpTo" | "readUpTo") => {
    // Two smallest values make "minimum over the others" O(n) for every member at once.
    let first = Number.POSITIVE_INFINITY;
    let firstIndex = -1;
    let second = Number.POSITIVE_INFINITY;
    receipts.forEach((r, i) => {
      const v = r[field];
      if (v < first) {
        second = first;
        first = v;
        firstIndex = i;
      } else if (v < second) second = v;
    });
    return (i: number) => {
      const v = i === firstIndex ? second : first;
      return Number.isFinite(v) ? v : 0;
    };
  };
  const delivered = minExcluding("deliveredUpTo");
  const read = minExcluding("readUpTo");
  receipts.forEach((r, i) => {
    result.set(r.userId, { delivered: delivered(i), read: read(i) });
  });
  return result;
}

export interface StatusChange {
  userId: UserId;
  status: ReceiptKind;
  upToSeq: Watermark;
}

/**
 * The status frames due after a watermark change: every member whose derived status moved forward.
 * With `lastOwnSeq` (the seq of each member's own newest message, 0 if none), only members for
 * whom the move can cover a message of their own: a member whose newest message the old status
 * already covered learns nothing from the new one. Once every member acks, a group's status moves
 * for every member at once, so without this a receipt tick wrote one status frame to every member's
 * sockets (O(members) writes per tick, nearly all telling a silent member nothing); with it, one
 * per member who sent in the range (their next connect still gets the full status).
 */
export function statusChanges(
  before: MemberReceipt[],
  after: MemberReceipt[],
  lastOwnSeq?: (userId: UserId) => number,
): StatusChange[] {
  const was = statusWatermarks(before);
  const now = statusWatermarks(after);
  const changes: StatusChange[] = [];
  for (const [userId, next] of now) {
    const prev = was.get(userId) ?? { delivered: 0, read: 0 };
    const own = lastOwnSeq === undefined ? Number.POSITIVE_INFINITY : lastOwnSeq(userId);
    if (next.delivered > prev.delivered && own > prev.delivered) {
      changes.push({ userId, status: "delivered", upToSeq: next.delivered });
    }
    if (next.read > prev.read && own > prev.read) {
      changes.push({ userId, status: "read", upToSeq: next.read });
    }
  }
  return changes;
}
