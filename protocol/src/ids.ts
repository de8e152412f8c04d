// Identifiers and scalars that every other schema is built from.
import { z } from "zod";

/** A user id as issued by the identity provider (the JWT `sub`). */
export const UserId = z
  .string()
  .min(1)
  .max(128)
  // No ":" — it separates the two members in a direct conversation id.
  .regex(/^[A-Za-z0-9._@|-]+$/, "user ids use letters, digits and . _ @ | -");
export type UserId = z.infer<typeof UserId>;

/** A conversation id: `d:<a>:<b>` (a < b) for one-to-one chats, `g:<random>` for groups. */
export const ConversationId = z
  .string()
  .min(3)
  .max(300)
  .regex(
    /^(d:[A-Za-z0-9._@|-]+:[A-Za-z0-9._@|-]+|g:[A-Za-z0-9_-]+)$/,
    "conversation ids are d:<a>:<b> or g:<id>",
  );
export type ConversationId = z.infer<typeof ConversationId>;

/** The position of a message in its conversation: 1, 2, 3, … with no gaps. */
export const Seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export type Seq = z.infer<typeof Seq>;

/** A watermark: "everything up to and including this seq"; 0 means nothing yet. */
export const Watermark = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export type Watermark = z.infer<typeof Watermark>;

/** The sender's own id for a message, reused on every retry so that resends are idempotent. */
export const ClientMsgId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "client message ids use letters, digits, _ and -");
export type ClientMsgId = z.infer<typeof ClientMsgId>;

/** The server's id for a message (a UUID). */
export const MessageId = z.string().uuid();
export type MessageId = z.infer<typeof MessageId>;

/** Milliseconds since the Unix epoch. */
export const Timestamp = z.number().int().min(0);
export type Timestamp = z.infer<typeof Timestamp>;

/** A short correlation id a client may attach to a request frame to match its reply or error. */
export const RequestId = z.string().min(1).max(64);
export type RequestId = z.infer<typeof RequestId>;

/** The one conversation between two users: the same id whoever starts it. */
export function directConversationId(a: UserId, b: UserId): ConversationId {
  return a < b ? `d:${a}:${b}` : `d:${b}:${a}`;
}

/** The two members of a direct conversation, or null for a group id. */
export function directMembers(conversationId: ConversationId): [UserId, UserId] | null {
  const match = /^d:([^:]+):([^:]+)$/.exec(conversationId);
  return match ? [match[1]!, match[2]!] : null;
}

/**
 * A device's own id for presence, delivery receipts and push skipping: its registry id once
 * registered, else any stable client id.
 */
export const PresenceDeviceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "device ids use letters, digits, _ and -");
