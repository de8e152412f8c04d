// The inbox's rows: how an InboxUpdate from a ConversationDO merges into what the InboxDO holds
// ("set to at least", so retries and reorders are harmless), how a row becomes a list entry with its
// unread count (protocol's rule), and the list's order (protocol's compareRecency). Pure.
import {
  compareRecency,
  type InboxEntry,
  type InboxUpdate,
  unreadCount,
} from "@edge-chat/protocol";

/** What the InboxDO stores per conversation (removed rows stay as tombstones, member = false). */
export type InboxRow = Omit<InboxUpdate, "userId">;

export interface Merge {
  row: InboxRow;
  /** Whether anything a client sees changed. */
  changed: boolean;
  /** How many messages are newer than what the row held (0 for watermark-only changes). */
  newMessages: number;
}

/**
 * Merges an update: seq and read watermark only move forward; membership, name and the newest
 * message's fields come from whichever side is newer by lastSeq (the update wins a tie, since a
 * removal and the system message recording it share a seq).
 */
export function mergeUpdate(stored: InboxRow | undefined, update: InboxUpdate): Merge {
  const { userId: _user, ...incoming } = update;
  if (!stored) return { row: incoming, changed: true, newMessages: incoming.lastSeq };
  const newer = incoming.lastSeq >= stored.lastSeq ? incoming : stored;
  const row: InboxRow = {
    ...newer,
    lastSeq: Math.max(stored.lastSeq, incoming.lastSeq),
    readUpTo: Math.max(stored.readUpTo, incoming.readUpTo),
  };
  // Like the watermarks, the newest mention only moves forward (the push rule reads it).
  const mentionSeq = Math.max(stored.mentionSeq ?? 0, incoming.mentionSeq ?? 0);
  if (mentionSeq > 0) row.mentionSeq = mentionSeq;
  const changed = JSON.stringify(canonical(row)) !== JSON.stringify(canonical(stored));
  return { row, changed, newMessages: Math.max(0, incoming.lastSeq - stored.lastSeq) };
}

/** Key order fixed, undefined fields dropped, so two equal rows compare equal. */
function canonical(row: InboxRow): unknown[] {
  return [
    row.conversationId,
    row.kind,
    row.name,
    row.member,
    row.lastSeq,
    row.lastMessageAt,
    row.lastSenderId,
    row.lastMessageKind,
    row.preview,
    row.readUpTo,
  ];
}

export function toEntry(row: InboxRow): InboxEntry {
  const entry: InboxEntry = {
    conversationId: row.conversationId,
    kind: row.kind,
    lastSeq: row.lastSeq,
    lastMessageAt: row.lastMessageAt,
    readUpTo: Math.min(row.readUpTo, row.lastSeq),
    unread: unreadCount(row.lastSeq, row.readUpTo),
  };
  if (row.name !== undefined) entry.name = row.name;
  if (row.lastSenderId !== undefined) entry.lastSenderId = row.lastSenderId;
  if (row.lastMessageKind !== undefined) entry.lastMessageKind = row.lastMessageKind;
  if (row.preview !== undefined) entry.preview = row.preview;
  return entry;
}

/** The visible list: members only, most recent first. */
export function listOf(rows: InboxRow[]): InboxEntry[] {
  return rows
    .filter((r) => r.member)
    .map(toEntry)
    .sort(compareRecency);
}
