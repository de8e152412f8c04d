// Messages: what a sender submits (content) and what every member receives (the stored message).
import { z } from "zod";
import { ClientMsgId, ConversationId, MessageId, Seq, Timestamp, UserId } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import {
  DeleteContent,
  DeletedContent,
  EditContent,
  MessageState,
  ReactionContent,
} from "./changes.ts";

/** A ThumbHash is at most 25 bytes; base64 of that is at most 36 characters. */
export const MediaPlaceholder = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64");

/** A media object in object storage, referenced by key; the bytes never pass through chat. */
const MediaRef = z.object({
  objectKey: z.string().min(1).max(512),
  mime: z
    .string()
    .min(3)
    .max(127)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, "a MIME type"),
  size: z.number().int().min(1),
  /** Made by the region when it verified the upload (a client's own value is replaced). */
  thumbnailKey: z.string().min(1).max(512).optional(),
  /** A ThumbHash of the image or poster frame, base64: drawn before anything is downloaded. */
  placeholder: MediaPlaceholder.optional(),
  /** A video's poster frame (a JPEG the region made), when one could be made. */
  posterKey: z.string().min(1).max(512).optional(),
});

const Dimensions = {
  width: z.number().int().min(1).max(65_535),
  height: z.number().int().min(1).max(65_535),
};
const DurationMs = z.number().int().min(1).max(LIMITS.maxMediaDurationMs);
const Caption = z.string().max(LIMITS.maxCaptionChars).optional();

export const TextContent = z.object({
  kind: z.literal("text"),
  text: z.string().min(1).max(LIMITS.maxTextChars),
});
export const ImageContent = z.object({
  kind: z.literal("image"),
  media: MediaRef.extend({
    ...Dimensions,
    size: z.number().int().min(1).max(LIMITS.maxMediaBytes.image),
  }),
  caption: Caption,
});
export const AudioContent = z.object({
  kind: z.literal("audio"),
  media: MediaRef.extend({
    durationMs: DurationMs,
    size: z.number().int().min(1).max(LIMITS.maxMediaBytes.audio),
  }),
});
export const VideoContent = z.object({
  kind: z.literal("video"),
  media: MediaRef.extend({
    ...Dimensions,
    durationMs: DurationMs,
    size: z.number().int().min(1).max(LIMITS.maxMediaBytes.video),
  }),
  caption: Caption,
});

/** What a member may send. */
export const UserContent = z.discriminatedUnion("kind", [
  TextContent,
  ImageContent,
  AudioContent,
  VideoContent,
]);
export type UserContent = z.infer<typeof UserContent>;

/** Events the conversation itself records as messages, so every member sees them in order. */
export const SystemEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("created"), by: UserId, name: z.string().optional() }),
  z.object({ event: z.literal("member_added"), by: UserId, userId: UserId }),
  z.object({ event: z.literal("member_removed"), by: UserId, userId: UserId }),
  z.object({ event: z.literal("member_left"), userId: UserId }),
  z.object({ event: z.literal("renamed"), by: UserId, name: z.string() }),
  z.object({ event: z.literal("description_set"), by: UserId, description: z.string() }),
  z.object({
    event: z.literal("role_changed"),
    by: UserId,
    userId: UserId,
    role: z.enum(["admin", "member"]),
  }),
  z.object({ event: z.literal("send_policy_set"), by: UserId, adminsOnly: z.boolean() }),
  z.object({ event: z.literal("invite_created"), by: UserId }),
  z.object({ event: z.literal("invite_revoked"), by: UserId }),
  z.object({ event: z.literal("joined_by_invite"), userId: UserId }),
]);
export type SystemEvent = z.infer<typeof SystemEvent>;

export const SystemContent = z.object({ kind: z.literal("system"), system: SystemEvent });

/** Everything a stored message may hold: displayable content, a change to another message, a tombstone. */
export const MessageContent = z.discriminatedUnion("kind", [
  TextContent,
  ImageContent,
  AudioContent,
  VideoContent,
  SystemContent,
  EditContent,
  DeleteContent,
  ReactionContent,
  DeletedContent,
]);
export type MessageContent = z.infer<typeof MessageContent>;
export type MessageKind = MessageContent["kind"];

/** A message as the ConversationDO assigned it: the unit of order, storage, sync and history. */
export const Message = z.object({
  conversationId: ConversationId,
  seq: Seq,
  messageId: MessageId,
  /** The sender's idempotency key; system messages use a server-made one. */
  clientMsgId: ClientMsgId,
  senderId: UserId,
  content: MessageContent,
  replyToSeq: Seq.optional(),
  serverTs: Timestamp,
  ...MessageState,
});
export type Message = z.infer<typeof Message>;

/** The acknowledgement a sender gets once the message is durable at the edge (status "sent"). */
export const SendAck = z.object({
  clientMsgId: ClientMsgId,
  seq: Seq,
  messageId: MessageId,
  serverTs: Timestamp,
});
export type SendAck = z.infer<typeof SendAck>;
