// Group invite links: an admin makes a link (an unguessable token, optionally expiring and limited
// in uses) and may revoke it; anyone holding the token joins the group with it. The token names
// its group and invite, and carries a secret that only the group's ConversationDO can check (it
// keeps a hash of it), so the lookup needs no shared index.
import { z } from "zod";
import { ConversationId, Timestamp, UserId } from "./ids.ts";

/** The longest an invite may live, and the most uses one may allow. */
export const INVITE_LIMITS = { maxTtlMs: 30 * 24 * 60 * 60 * 1000, maxUses: 1024 } as const;

/** `<group id without "g:">.<invite id>.<secret>`, all base64url. */
export const InviteToken = z
  .string()
  .min(20)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{8,32}\.[A-Za-z0-9_-]{32,64}$/, "an invite token");
export type InviteToken = z.infer<typeof InviteToken>;

/** An invite's public id (the middle part of its token): what an admin revokes. */
export const InviteId = z.string().regex(/^[A-Za-z0-9_-]{8,32}$/, "an invite id");
export type InviteId = z.infer<typeof InviteId>;

/** POST /v1/conversations/:id/invites (group admins). Both limits are optional. */
export const CreateInviteRequest = z.object({
  expiresInMs: z.number().int().min(1000).max(INVITE_LIMITS.maxTtlMs).optional(),
  maxUses: z.number().int().min(1).max(INVITE_LIMITS.maxUses).optional(),
});
export type CreateInviteRequest = z.infer<typeof CreateInviteRequest>;

/** An invite as admins see it (the token itself is shown once, when it is created). */
export const InviteSummary = z.object({
  inviteId: InviteId,
  conversationId: ConversationId,
  createdBy: UserId,
  createdAt: Timestamp,
  expiresAt: Timestamp.optional(),
  maxUses: z.number().int().min(1).optional(),
  uses: z.number().int().min(0),
  revoked: z.boolean(),
});
export type InviteSummary = z.infer<typeof InviteSummary>;

/** The answer to a create: the summary plus the token to share (never stored in clear). */
export const CreatedInvite = InviteSummary.extend({ token: InviteToken });
export type CreatedInvite = z.infer<typeof CreatedInvite>;

/** GET /v1/conversations/:id/invites (group admins). */
export const InviteList = z.object({ invites: z.array(InviteSummary) });
export type InviteList = z.infer<typeof InviteList>;

/** POST /v1/invites/join: the token travels in the body, not the URL (URLs end up in logs). */
export const JoinInviteRequest = z.object({ token: InviteToken });
export type JoinInviteRequest = z.infer<typeof JoinInviteRequest>;

/** The group id an invite token names (its first part); null for a malformed token. */
export function inviteConversationId(token: string): ConversationId | null {
  const parsed = InviteToken.safeParse(token);
  if (!parsed.success) return null;
  const id = ConversationId.safeParse(`g:${parsed.data.split(".")[0]}`);
  return id.success ? id.data : null;
}
