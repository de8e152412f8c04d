// Invite link rules: who may create and revoke one, and whether a token still admits someone.
// Pure. The secret is compared by its hash (the adapter hashes; only hashes are stored), and every
// refusal of a token says not_found, so a guessed token learns nothing about the group.
import {
  ChatError,
  type CreateInviteRequest,
  LIMITS,
  type Member,
  type SystemEvent,
  type UserId,
} from "@edge-chat/protocol";
import type { ConversationMeta } from "./membership.ts";

export interface InviteRecord {
  inviteId: string;
  /** SHA-256 of the token's secret, hex. */
  secretHash: string;
  createdBy: UserId;
  createdAt: number;
  expiresAt: number | undefined;
  maxUses: number | undefined;
  uses: number;
  revoked: boolean;
}

export function requireGroupAdmin(meta: ConversationMeta, me: Member, what: string): void {
  if (meta.kind !== "group") throw new ChatError("forbidden", "direct chats have no invites");
  if (me.role !== "admin") throw new ChatError("forbidden", `only admins ${what} invites`);
}

/** A new invite's record (ids and hash made by the caller) and its system message. */
export function planCreate(
  meta: ConversationMeta,
  me: Member,
  request: CreateInviteRequest,
  ids: { inviteId: string; secretHash: string },
  now: number,
): { invite: InviteRecord; event: SystemEvent } {
  requireGroupAdmin(meta, me, "create");
  return {
    invite: {
      ...ids,
      createdBy: me.userId,
      createdAt: now,
      expiresAt: request.expiresInMs === undefined ? undefined : now + request.expiresInMs,
      maxUses: request.maxUses,
      uses: 0,
      revoked: false,
    },
    event: { event: "invite_created", by: me.userId },
  };
}

export function planRevoke(
  meta: ConversationMeta,
  me: Member,
  invite: InviteRecord | undefined,
): { event: SystemEvent } {
  requireGroupAdmin(meta, me, "revoke");
  if (!invite) throw new ChatError("not_found", "no such invite");
  if (invite.revoked) throw new ChatError("conflict", "already revoked");
  return { event: { event: "invite_revoked", by: me.userId } };
}

/** Why a token no longer admits anyone, or null while it does. */
export function inviteRefusal(invite: InviteRecord, now: number): string | null {
  if (invite.revoked) return "this invite was revoked";
  if (invite.expiresAt !== undefined && now >= invite.expiresAt) return "this invite has expired";
  if (invite.maxUses !== undefined && invite.uses >= invite.maxUses) {
    return "this invite is used up";
  }
  return null;
}

/** Joining with a token: the new member and the `joined_by_invite` message. */
export function planJoin(
  meta: ConversationMeta | null,
  members: readonly Member[],
  invite: InviteRecord | undefined,
  secretMatches: boolean,
  userId: UserId,
  now: number,
): { member: Member; event: SystemEvent } {
  if (meta?.kind !== "group" || !invite || !secretMatches) {
    throw new ChatError("not_found", "no such invite");
  }
  const refusal = inviteRefusal(invite, now);
  if (refusal) throw new ChatError("not_found", refusal);
  if (members.some((m) => m.userId === userId)) throw new ChatError("conflict", "already a member");
  if (members.length + 1 > LIMITS.maxGroupMembers) {
    throw new ChatError("conflict", `groups hold at most ${LIMITS.maxGroupMembers} members`);
  }
  return {
    member: { userId, role: "member", joinedAt: now },
    event: { event: "joined_by_invite", userId },
  };
}

/** Equal-length hex strings compared in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
