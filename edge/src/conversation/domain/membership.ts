// Membership rules: who may do what to a conversation's member list, and which system event each
// change records. A non-member always gets `not_found`, exactly like a conversation that does not
// exist, so membership never leaks.
import {
  ChatError,
  type ConversationId,
  directMembers,
  LIMITS,
  type Member,
  type MemberRole,
  type SystemEvent,
  type UserId,
} from "@edge-chat/protocol";

export interface ConversationMeta {
  conversationId: ConversationId;
  kind: "direct" | "group";
  name: string | undefined;
  createdAt: number;
}

export const notFound = () => new ChatError("not_found", "conversation not found");

/** The member entry of `userId`, or not_found (for non-members and unknown conversations alike). */
export function requireMember(members: Member[], userId: UserId): Member {
  const member = members.find((m) => m.userId === userId);
  if (!member) throw notFound();
  return member;
}

/** A direct conversation's two members come from its id; null for a group id. */
export function directInit(
  conversationId: ConversationId,
  now: number,
): { meta: ConversationMeta; members: Member[] } | null {
  const pair = directMembers(conversationId);
  // Only the canonical id (a < b, as directConversationId makes it) names a conversation: "d:b:a"
  // or "d:a:a" would otherwise be a second conversation between the same people.
  if (!pair || !(pair[0] < pair[1])) return null;
  return {
    meta: { conversationId, kind: "direct", name: undefined, createdAt: now },
    members: pair.map((userId) => ({ userId, role: "member" as const, joinedAt: now })),
  };
}

export function createGroup(
  conversationId: ConversationId,
  creator: UserId,
  request: { name: string; memberIds: UserId[] },
  now: number,
): { meta: ConversationMeta; members: Member[]; event: SystemEvent } {
  const others = [...new Set(request.memberIds)].filter((id) => id !== creator);
  if (others.length + 1 > LIMITS.maxGroupMembers) {
    throw new ChatError("invalid_request", `groups hold at most ${LIMITS.maxGroupMembers} members`);
  }
  return {
    meta: { conversationId, kind: "group", name: request.name, createdAt: now },
    members: [
      { userId: creator, role: "admin", joinedAt: now },
      ...others.map((userId) => ({ userId, role: "member" as const, joinedAt: now })),
    ],
    event: { event: "created", by: creator, name: request.name },
  };
}

export function addMember(
  meta: ConversationMeta,
  members: Member[],
  actor: UserId,
  userId: UserId,
  role: MemberRole,
  now: number,
): { member: Member; event: SystemEvent } {
  const me = requireMember(members, actor);
  if (meta.kind !== "group") throw new ChatError("forbidden", "direct conversations are fixed");
  if (me.role !== "admin") throw new ChatError("forbidden", "only admins add members");
  if (members.some((m) => m.userId === userId)) throw new ChatError("conflict", "already a member");
  if (members.length + 1 > LIMITS.maxGroupMembers) {
    throw new ChatError("conflict", `groups hold at most ${LIMITS.maxGroupMembers} members`);
  }
  return {
    member: { userId, role, joinedAt: now },
    event: { event: "member_added", by: actor, userId },
  };
}

/** An admin removes someone, or a member removes themself (leaving). */
export function removeMember(
  meta: ConversationMeta,
  members: Member[],
  actor: UserId,
  userId: UserId,
): { event: SystemEvent } {
  const me = requireMember(members, actor);
  if (meta.kind !== "group") throw new ChatError("forbidden", "direct conversations are fixed");
  if (actor === userId) return { event: { event: "member_left", userId } };
  if (me.role !== "admin") throw new ChatError("forbidden", "only admins remove members");
  if (!members.some((m) => m.userId === userId)) throw new ChatError("not_found", "no such member");
  return { event: { event: "member_removed", by: actor, userId } };
}
