// Pure idempotency rules: how a stored row and an incoming event combine. Each returns the row to
// write, or null when the event changes nothing, so a replayed or reordered record is a no-op and
// watermarks only ever move forward.
import type { Member, RegionEvent, UserId } from "@edge-chat/protocol";
import type { ConversationRow, ReceiptRow, UserConversationRow } from "../repositories/ports.ts";

type ReceiptEvent = Extract<RegionEvent, { type: "receipt" }>;
type MembershipEvent = Extract<RegionEvent, { type: "membership" }>;

/** Max-merges a member's delivered/read watermarks (read implies delivered). */
export function mergeReceipt(stored: ReceiptRow | null, event: ReceiptEvent): ReceiptRow | null {
  const readUpTo = Math.max(stored?.readUpTo ?? 0, event.readUpTo);
  const deliveredUpTo = Math.max(stored?.deliveredUpTo ?? 0, event.deliveredUpTo, readUpTo);
  if (stored && stored.readUpTo === readUpTo && stored.deliveredUpTo === deliveredUpTo) return null;
  return {
    conversationId: event.conversationId,
    userId: event.userId,
    deliveredUpTo,
    readUpTo,
    updatedAt: Math.max(stored?.updatedAt ?? 0, event.at),
  };
}

/** A new message moves a member's list row forward; the sender has read their own message. */
export function advanceListRow(
  stored: UserConversationRow | null,
  change: { userId: UserId; conversationId: string; seq: number; at: number; senderId?: UserId },
): UserConversationRow | null {
  const base: UserConversationRow = stored ?? {
    userId: change.userId,
    conversationId: change.conversationId,
    lastMessageSeq: 0,
    lastMessageAt: 0,
    lastReadSeq: 0,
  };
  const newer = stored === null || change.seq > base.lastMessageSeq;
  const lastReadSeq =
    change.senderId === change.userId ? Math.max(base.lastReadSeq, change.seq) : base.lastReadSeq;
  if (stored && !newer && lastReadSeq === stored.lastReadSeq) return null;
  return {
    ...base,
    lastMessageSeq: newer ? change.seq : base.lastMessageSeq,
    lastMessageAt: newer ? change.at : base.lastMessageAt,
    lastReadSeq,
  };
}

/** Moves a member's list-row read watermark forward (from a receipt). */
export function advanceReadSeq(
  stored: UserConversationRow | null,
  readUpTo: number,
): UserConversationRow | null {
  if (!stored || readUpTo <= stored.lastReadSeq) return null;
  return { ...stored, lastReadSeq: readUpTo };
}

/** Unread messages in a list row: the member's read watermark is never past the last message. */
export function unreadCount(row: UserConversationRow): number {
  return Math.max(0, row.lastMessageSeq - row.lastReadSeq);
}

export interface MembershipPlan {
  conversation: ConversationRow;
  upsert: Member[];
  remove: UserId[];
}

/**
 * Applies a membership snapshot unless a newer one is stored. An equal `asOfSeq` re-applies the same
 * snapshot (a replay), which is harmless. Members absent from the snapshot are removed too, so a
 * snapshot that overtook a lost `removed` list still converges.
 */
export function planMembership(
  stored: ConversationRow | null,
  storedMembers: readonly Member[],
  event: MembershipEvent,
): MembershipPlan | null {
  if (stored && stored.membersAsOfSeq > event.asOfSeq) return null;
  const current = new Set(event.members.map((m) => m.userId));
  const remove = new Set(event.removed.filter((userId) => !current.has(userId)));
  for (const member of storedMembers) if (!current.has(member.userId)) remove.add(member.userId);
  const conversation: ConversationRow = {
    conversationId: event.conversationId,
    kind: event.kind,
    createdAt: event.createdAt,
    membersAsOfSeq: event.asOfSeq,
  };
  if (event.name !== undefined) conversation.name = event.name;
  return { conversation, upsert: event.members, remove: [...remove].sort() };
}
