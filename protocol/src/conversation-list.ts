// The rules of a conversation list, one definition for every place that builds one: the edge's
// InboxDO, the SDK's in-memory list and the region's list derived on read. Pure.
import type { ConversationId, Watermark } from "./ids.ts";

/**
 * A member's read position: their read watermark, raised to their own newest message (what a
 * member sent counts as read by them).
 */
export function readPosition(readUpTo: Watermark, ownUpTo: Watermark): Watermark {
  return Math.max(readUpTo, ownUpTo);
}

/** Unread messages: lastSeq − readUpTo, never negative (a read position may run ahead of a stale head). */
export function unreadCount(lastSeq: Watermark, readUpTo: Watermark): number {
  return Math.max(0, lastSeq - readUpTo);
}

/** What orders a list row by recency. */
export interface RecencyKey {
  conversationId: ConversationId;
  /** When the newest message was assigned (or the conversation's start when there is none). */
  lastMessageAt: number;
  /** The seq of the newest message. */
  lastSeq: Watermark;
}

/**
 * Most recent activity first; at the same instant the further-along conversation first; then by id,
 * so every device and every region lists the same rows in the same order.
 */
export function compareRecency(a: RecencyKey, b: RecencyKey): number {
  if (a.lastMessageAt !== b.lastMessageAt) return b.lastMessageAt - a.lastMessageAt;
  if (a.lastSeq !== b.lastSeq) return b.lastSeq - a.lastSeq;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}
