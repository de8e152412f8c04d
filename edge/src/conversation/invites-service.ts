// Invite links as use cases: create and revoke (admins; each a system message) and join by token
// (the joiner becomes a member with a `joined_by_invite` message). Hashing is async, so each use
// case hashes first and then runs its checks and writes in one synchronous transaction.
import type {
  Conversation,
  ConversationId,
  CreatedInvite,
  CreateInviteRequest,
  InviteSummary,
  InviteToken,
  Message,
  UserId,
} from "@edge-chat/protocol";
import type { Clock } from "./journal.ts";
import type { ConversationService } from "./service.ts";
import {
  type InviteRecord,
  planCreate,
  planJoin,
  planRevoke,
  requireGroupAdmin,
  sameHash,
} from "./domain/invites.ts";
import type { InviteStore } from "./invite-store.ts";

function randomPart(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function summary(conversationId: ConversationId, invite: InviteRecord): InviteSummary {
  const s: InviteSummary = {
    inviteId: invite.inviteId,
    conversationId,
    createdBy: invite.createdBy,
    createdAt: invite.createdAt,
    uses: invite.uses,
    revoked: invite.revoked,
  };
  if (invite.expiresAt !== undefined) s.expiresAt = invite.expiresAt;
  if (invite.maxUses !== undefined) s.maxUses = invite.maxUses;
  return s;
}

export class GroupInvites {
  private readonly service: ConversationService;
  private readonly invites: InviteStore;
  private readonly transaction: <T>(fn: () => T) => T;
  private readonly clock: Clock;

  constructor(deps: {
    service: ConversationService;
    invites: InviteStore;
    transaction: <T>(fn: () => T) => T;
    clock: Clock;
  }) {
    this.service = deps.service;
    this.invites = deps.invites;
    this.transaction = deps.transaction;
    this.clock = deps.clock;
  }

  async create(
    conversationId: ConversationId,
    actor: UserId,
    request: CreateInviteRequest,
  ): Promise<{ invite: CreatedInvite; message: Message }> {
    // 16 bytes of secret (128 bits) behind a 9-byte invite id: unguessable, short enough to share.
    const inviteId = randomPart(9);
    const secret = randomPart(24);
    const secretHash = await sha256Hex(secret);
    const { meta, me } = this.service.access(conversationId, actor);
    const plan = planCreate(meta, me, request, { inviteId, secretHash }, this.clock.now());
    this.service.rateLimit(actor);
    const message = this.transaction(() => {
      this.invites.insert(plan.invite);
      return this.service.journal.appendMessage(actor, undefined, {
        kind: "system",
        system: plan.event,
      });
    });
    const token: InviteToken = `${conversationId.slice(2)}.${inviteId}.${secret}`;
    return { invite: { ...summary(conversationId, plan.invite), token }, message };
  }

  list(conversationId: ConversationId, actor: UserId): InviteSummary[] {
    const { meta, me } = this.service.access(conversationId, actor);
    requireGroupAdmin(meta, me, "list");
    return this.invites.list().map((i) => summary(conversationId, i));
  }

  revoke(conversationId: ConversationId, actor: UserId, inviteId: string): Message {
    const { meta, me } = this.service.access(conversationId, actor);
    const plan = planRevoke(meta, me, this.invites.get(inviteId));
    return this.transaction(() => {
      this.invites.revoke(inviteId);
      return this.service.journal.appendMessage(actor, undefined, {
        kind: "system",
        system: plan.event,
      });
    });
  }

  /** The caller joins the group the token names. */
  async join(
    conversationId: ConversationId,
    userId: UserId,
    token: InviteToken,
  ): Promise<{ conversation: Conversation; message: Message }> {
    const [, inviteId, secret] = token.split(".") as [string, string, string];
    const hash = await sha256Hex(secret);
    // Every attempt spends the joiner's budget first, so tokens cannot be tried in bulk.
    this.service.rateLimit(userId);
    const invite = this.invites.get(inviteId);
    const meta = this.service.meta(conversationId);
    const plan = planJoin(
      meta,
      this.service.members(),
      invite,
      invite !== undefined && sameHash(invite.secretHash, hash),
      userId,
      this.clock.now(),
    );
    // The joiner is the message's sender: they are who the event is about.
    return this.service.admit(meta!, userId, plan.member, plan.event, () =>
      this.invites.used(inviteId),
    );
  }
}
