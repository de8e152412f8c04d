// The per-user inbox: the conversation list with unread counts (GET /v1/conversations), the inbox
// WebSocket (GET /v1/inbox/ws) and its frames, presence, and the edge-internal update a
// ConversationDO sends to each member's InboxDO. The inbox socket's frames are their own union so
// the conversation socket's frames stay as they are.
import { z } from "zod";
import { decodeTextFrame, parseJson, parseWith } from "./codec.ts";
import { ErrorBody } from "./errors.ts";
import {
  ConversationId,
  PresenceDeviceId,
  RequestId,
  Timestamp,
  UserId,
  Watermark,
} from "./ids.ts";
import { LIMITS } from "./limits.ts";
import { Presence } from "./presence.ts";

/** Longest text preview carried in an inbox row, in characters. */
export const INBOX_PREVIEW_CHARS = 120;
/**
 * Largest group whose "typing…" reaches its members' conversation lists. Typing rides the coalesced
 * inbox update (at most one round per tick), which is still a call per member per change: larger
 * groups show typing only inside the open chat, as hosted chat APIs switch it off in large rooms.
 */
export const LIST_TYPING_MAX_MEMBERS = 32;

/** What the newest message of a conversation is (for a list row: "📷 Photo", "Alice joined"…). */
export const LastMessageKind = z.enum([
  "text",
  "image",
  "audio",
  "video",
  "system",
  // A change to an earlier message (edit, delete, reaction), or a deleted message.
  "edit",
  "delete",
  "reaction",
  "deleted",
]);
export type LastMessageKind = z.infer<typeof LastMessageKind>;

/** One row of a user's conversation list. */
export const InboxEntry = z.object({
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]),
  name: z.string().max(LIMITS.maxGroupNameChars).optional(),
  /** The seq of the newest message, 0 when there is none. */
  lastSeq: Watermark,
  /** When the newest message was assigned (the conversation's creation when there is none). */
  lastMessageAt: Timestamp,
  lastSenderId: UserId.optional(),
  lastMessageKind: LastMessageKind.optional(),
  /** The start of the newest message's text (text messages only). */
  preview: z.string().max(INBOX_PREVIEW_CHARS).optional(),
  /** The user's read watermark; their own messages count as read. */
  readUpTo: Watermark,
  /** lastSeq − readUpTo. */
  unread: Watermark,
});
export type InboxEntry = z.infer<typeof InboxEntry>;

/** GET /v1/conversations → the caller's conversations, most recent first. */
export const InboxList = z.object({ conversations: z.array(InboxEntry) });
export type InboxList = z.infer<typeof InboxList>;

// Presence itself is its own module: the conversation socket carries it too (frames.ts).
export { Presence } from "./presence.ts";

/**
 * Edge-internal, ConversationDO → InboxDO: one member's view of one conversation as of `lastSeq`.
 * Applying it is "set to at least" (seq and watermark only move forward; the membership flag and
 * the last-message fields come from the newest `lastSeq`), so retries and reorders are harmless.
 */
export const InboxUpdate = z.object({
  userId: UserId,
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]),
  name: z.string().max(LIMITS.maxGroupNameChars).optional(),
  /** False once the user was removed or left: the row leaves the list. */
  member: z.boolean(),
  lastSeq: Watermark,
  lastMessageAt: Timestamp,
  lastSenderId: UserId.optional(),
  lastMessageKind: LastMessageKind.optional(),
  preview: z.string().max(INBOX_PREVIEW_CHARS).optional(),
  /** The member's read watermark, raised to their own newest message. */
  readUpTo: Watermark,
  /** The newest seq whose message mentions this member (a mention overrides mute for push). */
  mentionSeq: Watermark.optional(),
  /**
   * Groups of up to LIST_TYPING_MAX_MEMBERS: who else is typing there now (for the list's
   * "typing…"). Not part of the row; absent for direct chats, whose typing has its own call.
   */
  typing: z.array(UserId).max(LIST_TYPING_MAX_MEMBERS).optional(),
});
export type InboxUpdate = z.infer<typeof InboxUpdate>;
/**
 * Edge-internal, InboxDO → ConversationDO, the answer to an InboxUpdate: how far the row now on the
 * user's connected devices reaches (0 when no device is connected or the user is not a member). The
 * conversation folds it into the member's delivered watermark, so a group's grey double tick costs
 * no call beyond the coalesced update itself.
 */
export const InboxUpdateAck = z.object({ deliveredUpTo: Watermark });
export type InboxUpdateAck = z.infer<typeof InboxUpdateAck>;

// ── the inbox WebSocket ──────────────────────────────────────────────────────────────────────────

export const InboxPingFrame = z.object({ type: z.literal("ping"), reqId: RequestId.optional() });
/** What a device may send on its inbox socket (everything else happens over HTTP). */
export const InboxClientFrame = z.discriminatedUnion("type", [InboxPingFrame]);
export type InboxClientFrame = z.infer<typeof InboxClientFrame>;

/** The first frame: the whole list (most recent first), as GET /v1/conversations returns it. */
export const InboxWelcomeFrame = z.object({
  type: z.literal("inbox_welcome"),
  v: z.number().int().min(1),
  userId: UserId,
  conversations: z.array(InboxEntry),
});
/** One conversation's row changed (new message, read watermark, joined). */
export const InboxUpdateFrame = z.object({ type: z.literal("inbox_update"), entry: InboxEntry });
/** The user left or was removed: the row is gone. */
export const InboxRemovedFrame = z.object({
  type: z.literal("inbox_removed"),
  conversationId: ConversationId,
});
/** A direct-chat peer came online or went offline. */
export const PresenceFrame = z.object({ type: z.literal("presence"), ...Presence.shape });
/**
 * Someone started or stopped typing in a conversation, for the list's "typing…": a direct chat's
 * peer (relayed per typing frame), or a small group's member (from the coalesced inbox update).
 */
export const InboxTypingFrame = z.object({
  type: z.literal("typing"),
  conversationId: ConversationId,
  userId: UserId,
  state: z.enum(["start", "stop"]),
});
export type InboxTypingFrame = z.infer<typeof InboxTypingFrame>;
export const InboxPongFrame = z.object({
  type: z.literal("pong"),
  reqId: RequestId.optional(),
  serverTs: Timestamp,
});
export const InboxErrorFrame = z.object({
  type: z.literal("error"),
  reqId: RequestId.optional(),
  ...ErrorBody.shape,
});

export const InboxServerFrame = z.discriminatedUnion("type", [
  InboxWelcomeFrame,
  InboxUpdateFrame,
  InboxRemovedFrame,
  PresenceFrame,
  InboxTypingFrame,
  InboxPongFrame,
  InboxErrorFrame,
]);
export type InboxServerFrame = z.infer<typeof InboxServerFrame>;
export type InboxServerFrameOf<T extends InboxServerFrame["type"]> = Extract<
  InboxServerFrame,
  { type: T }
>;

/** Decodes one inbox-socket frame from a client (same binary and size rules as conversations). */
export function decodeInboxClientFrame(data: string | ArrayBuffer): InboxClientFrame {
  return decodeTextFrame(InboxClientFrame, data);
}

/** Decodes one inbox-socket frame from the server (used by the SDK). */
export function decodeInboxServerFrame(data: string): InboxServerFrame {
  return parseWith(InboxServerFrame, parseJson(data));
}

/** The JSON a push webhook receives (APNs/FCM delivery sits behind the webhook). */
export const PushNotification = z.object({
  userId: UserId,
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]),
  name: z.string().optional(),
  /** Messages since the previous push for this conversation (collapsed). */
  count: z.number().int().min(1),
  lastSeq: Watermark,
  lastSenderId: UserId.optional(),
  lastMessageKind: LastMessageKind.optional(),
  preview: z.string().max(INBOX_PREVIEW_CHARS).optional(),
  /** Unread messages in the conversation, for a badge. */
  unread: Watermark,
  at: Timestamp,
  /** Devices that need no push: connected now, or already delivered up to lastSeq. */
  skipDeviceIds: z.array(PresenceDeviceId).max(64).optional(),
  /** A message this push covers mentions the recipient: it is sent even if they muted the chat. */
  mentioned: z.boolean().optional(),
});
export type PushNotification = z.infer<typeof PushNotification>;
