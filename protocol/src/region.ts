// Service-to-service contracts between the edge and a region: ingest batches, the events they carry
// (which are also the Kafka record values, keyed by conversation id), and the history API.
import { z } from "zod";
import { Member, MemberReceipt } from "./conversation.ts";
import { ConversationId, Seq, Timestamp, UserId, Watermark } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import { Message } from "./message.ts";

/** Claims of the service token the edge signs for every request to a region (verified with jose). */
export const SERVICE_TOKEN = {
  issuer: "edge-chat/edge",
  audience: "edge-chat/region",
  algorithm: "EdDSA",
  /** Lifetime of one token, in seconds; regions allow a small clock skew on top. */
  ttlSeconds: 60,
} as const;

/** A new message, durable at the edge. Idempotent by (conversationId, seq). */
export const MessageEvent = z.object({ type: z.literal("message"), message: Message });

/** A member's watermarks moved; consumers keep the maximum, so replays and reorders are harmless. */
export const ReceiptEvent = z.object({
  type: z.literal("receipt"),
  conversationId: ConversationId,
  ...MemberReceipt.shape,
  at: Timestamp,
});

/**
 * The conversation's metadata and full member list after a change, stamped with the seq of the
 * system message that recorded it (`asOfSeq`): consumers ignore a snapshot older than the one
 * stored.
 */
export const MembershipEvent = z.object({
  type: z.literal("membership"),
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]),
  name: z.string().optional(),
  createdAt: Timestamp,
  members: z.array(Member),
  /** Members removed by this change, so their conversation lists can drop it. */
  removed: z.array(UserId).default([]),
  asOfSeq: Watermark,
});

export const RegionEvent = z.discriminatedUnion("type", [
  MessageEvent,
  ReceiptEvent,
  MembershipEvent,
]);
export type RegionEvent = z.infer<typeof RegionEvent>;

/** POST /v1/ingest: one conversation's region outbox batch, its events in the order the edge made. */
export const IngestBatch = z.object({
  batchId: z.string().uuid(),
  conversationId: ConversationId,
  events: z.array(RegionEvent).min(1).max(LIMITS.maxBatchEvents),
});
export type IngestBatch = z.infer<typeof IngestBatch>;

/** The region's answer once Kafka (acks=all) has every event of the batch. */
export const IngestResult = z.object({
  batchId: z.string().uuid(),
  accepted: z.number().int().min(0),
});
export type IngestResult = z.infer<typeof IngestResult>;

/** GET /v1/history/:conversationId?userId=&before=|after=&limit= (service token required). */
export const RegionHistoryQuery = z.object({
  userId: UserId,
  before: z.coerce.number().pipe(Seq).optional(),
  after: z.coerce.number().pipe(Watermark).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(50),
});
export type RegionHistoryQuery = z.infer<typeof RegionHistoryQuery>;

export const RegionHistoryPage = z.object({ messages: z.array(Message), hasMore: z.boolean() });
export type RegionHistoryPage = z.infer<typeof RegionHistoryPage>;

/** One row of GET /v1/users/:userId/conversations: a member's view of a conversation. */
export const RegionConversationSummary = z.object({
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]).optional(),
  name: z.string().optional(),
  lastMessageSeq: Watermark,
  lastMessageAt: Timestamp,
  lastReadSeq: Watermark,
  /** lastMessageSeq − the member's read watermark, never negative. */
  unread: Watermark,
});
export type RegionConversationSummary = z.infer<typeof RegionConversationSummary>;

/** GET /v1/users/:userId/conversations (service token): most recently active first. */
export const RegionConversationList = z.object({
  conversations: z.array(RegionConversationSummary),
});
export type RegionConversationList = z.infer<typeof RegionConversationList>;
