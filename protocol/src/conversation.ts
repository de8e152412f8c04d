// Conversations and their members, as the HTTP API returns them.
import { z } from "zod";
import { ConversationId, Timestamp, UserId, Watermark } from "./ids.ts";
import { LIMITS } from "./limits.ts";

export const MemberRole = z.enum(["admin", "member"]);
export type MemberRole = z.infer<typeof MemberRole>;

export const Member = z.object({ userId: UserId, role: MemberRole, joinedAt: Timestamp });
export type Member = z.infer<typeof Member>;

export const Conversation = z.object({
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]),
  name: z.string().max(LIMITS.maxGroupNameChars).optional(),
  members: z.array(Member),
  createdAt: Timestamp,
  /** The seq of the newest message, 0 when there is none. */
  lastSeq: Watermark,
  /** Groups: what the group is about. */
  description: z.string().max(LIMITS.maxGroupDescriptionChars).optional(),
  /** Groups: only admins may send (an announcement group). */
  adminsOnly: z.boolean().optional(),
});
export type Conversation = z.infer<typeof Conversation>;

/** One member's delivery and read watermarks in a conversation. */
export const MemberReceipt = z.object({
  userId: UserId,
  deliveredUpTo: Watermark,
  readUpTo: Watermark,
});
export type MemberReceipt = z.infer<typeof MemberReceipt>;
