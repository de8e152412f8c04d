// Pure rules for membership snapshots (which replace what is stored, so they read it first).
// (The unread count derived from a member's state is @edge-chat/protocol's unreadCount.) Messages and receipts need no merge: their cells are
// versioned by event time (see coalesce.ts and @edge-chat/cql's 0007).
import type { Member, RegionEvent, UserId } from "@edge-chat/protocol";
import type { ConversationRow } from "../repositories/ports.ts";

type MembershipEvent = Extract<RegionEvent, { type: "membership" }>;

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
