// Bodies of the public HTTP API (the edge Worker). Every error response is `{ error: ErrorBody }`.
import { z } from "zod";
import { ErrorBody } from "./errors.ts";
import { ClientMsgId, Seq, Timestamp, UserId, Watermark } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import { Message, UserContent } from "./message.ts";
import { Emoji } from "./changes.ts";

export const ErrorResponse = z.object({ error: ErrorBody });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/**
 * POST /v1/conversations/:id/tickets → a short-lived, single-use ticket for a browser's WebSocket
 * upgrade of that conversation (`…/ws?ticket=`).
 */
export const TicketResponse = z.object({ ticket: z.string().min(16), expiresAt: Timestamp });
export type TicketResponse = z.infer<typeof TicketResponse>;

/** POST /v1/conversations/direct: the one conversation between the caller and `peerId`. */
export const CreateDirectRequest = z.object({ peerId: UserId });
export type CreateDirectRequest = z.infer<typeof CreateDirectRequest>;

/** POST /v1/conversations/groups: a group with the caller as its first admin. */
export const CreateGroupRequest = z.object({
  name: z.string().trim().min(1).max(LIMITS.maxGroupNameChars),
  memberIds: z.array(UserId).max(LIMITS.maxGroupMembers - 1),
});
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

/** POST /v1/conversations/:id/members (admins only). */
export const AddMemberRequest = z.object({
  userId: UserId,
  role: z.enum(["admin", "member"]).optional(),
});
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

/** POST /v1/conversations/:id/messages → SendAck. */
export const SendRequest = z.object({
  clientMsgId: ClientMsgId,
  content: UserContent,
  replyToSeq: Seq.optional(),
});
export type SendRequest = z.infer<typeof SendRequest>;

/** POST /v1/conversations/:id/read and /delivered. */
export const WatermarkRequest = z.object({ upToSeq: Seq });
export type WatermarkRequest = z.infer<typeof WatermarkRequest>;

/** GET /v1/conversations/:id/messages?before=<seq>|after=<seq>&limit=<n> */
export const HistoryQuery = z
  .object({
    before: z.coerce.number().pipe(Seq).optional(),
    after: z.coerce.number().pipe(Watermark).optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(50),
  })
  .refine((q) => q.before === undefined || q.after === undefined, "use before or after, not both");
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/**
 * A page of messages in ascending seq order. `hasMore` says whether more lie beyond the page in the
 * direction asked. `olderInRegion` is set when the edge's window ends before the page does and the
 * rest must come from the regional history API (the edge fetches it itself when it can).
 */
export const HistoryPage = z.object({
  messages: z.array(Message),
  hasMore: z.boolean(),
  olderInRegion: z.object({ beforeSeq: Seq }).optional(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

/** POST /v1/conversations/:id/messages/:seq/edit → SendAck of the edit. */
export const EditRequest = z.object({
  clientMsgId: ClientMsgId,
  text: z.string().min(1).max(LIMITS.maxTextChars),
});
export type EditRequest = z.infer<typeof EditRequest>;

/**
 * POST /v1/conversations/:id/messages/:seq/delete. `everyone` → SendAck of the delete (201);
 * `me` → 204, hidden on the caller's own devices only.
 */
export const DeleteRequest = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("everyone"), clientMsgId: ClientMsgId }),
  z.object({ scope: z.literal("me") }),
]);
export type DeleteRequest = z.infer<typeof DeleteRequest>;

/** PUT /v1/conversations/:id/messages/:seq/reaction → SendAck of the reaction (emoji null removes). */
export const ReactRequest = z.object({ clientMsgId: ClientMsgId, emoji: Emoji.nullable() });
export type ReactRequest = z.infer<typeof ReactRequest>;

/** GET /v1/conversations/:id/messages/:seq/edits: the sender's own edit history, oldest first. */
export const EditHistory = z.object({
  seq: Seq,
  versions: z.array(z.object({ text: z.string(), at: Timestamp, editSeq: Seq.optional() })),
});
export type EditHistory = z.infer<typeof EditHistory>;

/** GET /v1/conversations/:id/messages/:seq/reactions: who reacted with what. */
export const ReactionList = z.object({
  seq: Seq,
  reactions: z.array(z.object({ userId: UserId, emoji: Emoji, at: Timestamp })),
});
export type ReactionList = z.infer<typeof ReactionList>;

/** GET /v1/conversations/:id/hidden: the seqs the caller deleted for themself. */
export const HiddenList = z.object({ seqs: z.array(Seq) });
export type HiddenList = z.infer<typeof HiddenList>;

/**
 * PATCH /v1/conversations/:id (group admins): any of name, description, admin-only sending.
 * Each field that changes records its system message. → Conversation.
 */
export const UpdateGroupRequest = z
  .object({
    name: z.string().trim().min(1).max(LIMITS.maxGroupNameChars).optional(),
    description: z.string().max(LIMITS.maxGroupDescriptionChars).optional(),
    adminsOnly: z.boolean().optional(),
  })
  .refine((r) => Object.keys(r).length > 0, "nothing to change");
export type UpdateGroupRequest = z.infer<typeof UpdateGroupRequest>;

/** PUT /v1/conversations/:id/members/:userId/role (group admins): promote or demote. */
export const SetRoleRequest = z.object({ role: z.enum(["admin", "member"]) });
export type SetRoleRequest = z.infer<typeof SetRoleRequest>;
