// WebSocket frames between a client and its ConversationDO. The socket is opened per conversation at
// GET /v1/conversations/:id/ws?v=<clientMaxVersion>&since=<lastSeenSeq>; the server's first frame is
// `welcome` (or an `error` and a close when the version or credentials are refused).
import { z } from "zod";
import {
  ClientMsgId,
  ConversationId,
  PresenceDeviceId,
  RequestId,
  Seq,
  Timestamp,
  UserId,
  Watermark,
} from "./ids.ts";
import { ErrorBody } from "./errors.ts";
import { Message, SendAck, UserContent } from "./message.ts";
import { LIMITS } from "./limits.ts";
import { MemberReceipt } from "./conversation.ts";
import { Emoji } from "./changes.ts";
import { Presence } from "./presence.ts";

const reqId = RequestId.optional();

// ── client → server ────────────────────────────────────────────────────────────────────────────

/** Send a message; resending the same clientMsgId returns the original ack. */
export const SendFrame = z.object({
  type: z.literal("send"),
  reqId,
  clientMsgId: ClientMsgId,
  content: UserContent,
  replyToSeq: Seq.optional(),
});
/**
 * A device received everything up to `upToSeq`. With its `deviceId` (the one it heartbeats and
 * registers with) the device's own watermark rises too, and a later push skips that device.
 */
export const DeliveredFrame = z.object({
  type: z.literal("delivered"),
  reqId,
  upToSeq: Seq,
  deviceId: PresenceDeviceId.optional(),
});
/** The member read everything up to `upToSeq`. */
export const ReadFrame = z.object({ type: z.literal("read"), reqId, upToSeq: Seq });
/** Typing started (refresh every few seconds while typing) or stopped. */
export const TypingFrame = z.object({
  type: z.literal("typing"),
  state: z.enum(["start", "stop"]),
});
/** Ask for the messages after `afterSeq` (replay), at most `limit` of them. */
export const SyncFrame = z.object({
  type: z.literal("sync"),
  reqId,
  afterSeq: Watermark,
  limit: z.number().int().min(1).max(LIMITS.maxPageSize).optional(),
});
/** Ask who has received and read one message. */
export const InfoFrame = z.object({ type: z.literal("info"), reqId, seq: Seq });
export const PingFrame = z.object({ type: z.literal("ping"), reqId });
/** Edit one's own text message (answered with an `ack` for the edit's own seq). */
export const EditFrame = z.object({
  type: z.literal("edit"),
  reqId,
  clientMsgId: ClientMsgId,
  targetSeq: Seq,
  text: z.string().min(1).max(LIMITS.maxTextChars),
});
/** Delete a message for everyone (own, or any as a group admin); answered with an `ack`. */
export const DeleteFrame = z.object({
  type: z.literal("delete"),
  reqId,
  clientMsgId: ClientMsgId,
  targetSeq: Seq,
});
/** Set (emoji) or remove (null) the member's one reaction to a message; answered with an `ack`. */
export const ReactFrame = z.object({
  type: z.literal("react"),
  reqId,
  clientMsgId: ClientMsgId,
  targetSeq: Seq,
  emoji: Emoji.nullable(),
});
/** Delete for me: hide messages on the member's own devices only (answered with `hidden`). */
export const HideFrame = z.object({
  type: z.literal("hide"),
  reqId,
  seqs: z.array(Seq).min(1).max(LIMITS.maxHideSeqs),
});

export const ClientFrame = z.discriminatedUnion("type", [
  SendFrame,
  DeliveredFrame,
  ReadFrame,
  TypingFrame,
  SyncFrame,
  InfoFrame,
  PingFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  HideFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ── server → client ────────────────────────────────────────────────────────────────────────────

export const WelcomeFrame = z.object({
  type: z.literal("welcome"),
  /** The negotiated protocol version. */
  v: z.number().int().min(1),
  conversationId: ConversationId,
  userId: UserId,
  /** The newest seq in the conversation at connect time. */
  lastSeq: Watermark,
});
export const AckFrame = z.object({ type: z.literal("ack"), reqId, ...SendAck.shape });
export const MessageFrame = z.object({ type: z.literal("message"), message: Message });
/**
 * v2+: several live messages in one frame, consecutive and in seq order, exactly as if each had come
 * in its own `message` frame (sent when messages arrive faster than the server's flush interval).
 */
export const MessagesFrame = z.object({
  type: z.literal("messages"),
  messages: z.array(Message).min(1),
});
/**
 * Replay of missed messages, in order. `toSeq` is the last seq covered; when `more` is true the
 * client asks again with afterSeq = toSeq. Live `message` frames follow a complete replay with no gap.
 */
export const SyncBatchFrame = z.object({
  type: z.literal("sync_batch"),
  reqId,
  messages: z.array(Message),
  toSeq: Watermark,
  more: z.boolean(),
});
/**
 * The messages after `afterSeq` are older than the edge keeps: fetch `afterSeq + 1 … oldestSeq - 1`
 * from the history API, then sync from `oldestSeq - 1`.
 */
export const SyncGapFrame = z.object({
  type: z.literal("sync_gap"),
  reqId,
  afterSeq: Watermark,
  oldestSeq: Seq,
});
/**
 * A status change of the receiver's own messages: in a one-to-one chat when the peer's device got or
 * read them, in a group when every other member has.
 */
export const StatusFrame = z.object({
  type: z.literal("status"),
  status: z.enum(["delivered", "read"]),
  upToSeq: Watermark,
});
export const TypingEventFrame = z.object({
  type: z.literal("typing"),
  userId: UserId,
  state: z.enum(["start", "stop"]),
});
export const InfoResultFrame = z.object({
  type: z.literal("info_result"),
  reqId,
  seq: Seq,
  members: z.array(MemberReceipt.extend({ delivered: z.boolean(), read: z.boolean() })),
});
export const PongFrame = z.object({ type: z.literal("pong"), reqId, serverTs: Timestamp });
/**
 * The seqs the member hid for themself (delete for me), to every device of theirs: after a `hide`
 * (only the new ones) and once on connect (all of them).
 */
export const HiddenFrame = z.object({ type: z.literal("hidden"), reqId, seqs: z.array(Seq) });
export const ErrorFrame = z.object({ type: z.literal("error"), reqId, ...ErrorBody.shape });
/**
 * The peer's presence as this member may now see it, sent to a direct chat's open sockets at the
 * moment one of the two blocks (hidden: offline, no last seen) or unblocks (the live state) the other.
 */
export const PeerPresenceFrame = z.object({ type: z.literal("presence"), ...Presence.shape });

export const ServerFrame = z.discriminatedUnion("type", [
  WelcomeFrame,
  AckFrame,
  MessageFrame,
  MessagesFrame,
  SyncBatchFrame,
  SyncGapFrame,
  StatusFrame,
  TypingEventFrame,
  InfoResultFrame,
  PongFrame,
  ErrorFrame,
  HiddenFrame,
  PeerPresenceFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;
export type ClientFrameOf<T extends ClientFrame["type"]> = Extract<ClientFrame, { type: T }>;
