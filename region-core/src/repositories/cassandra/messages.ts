// messages_by_conversation: rows keyed by ((conversation_id, bucket), seq); an insert of the same
// (conversation, seq) overwrites the same row with the same values, so replays are harmless. Pages
// cross buckets with @edge-chat/cql's planner (seq is gapless, so the ranges are exact).
import {
  BUCKET_SIZE,
  bucketOf,
  bucketsForPage,
  MESSAGES_BY_CONVERSATION as M,
  MEDIA_REF as MR,
  TABLES,
} from "@edge-chat/cql";
import {
  CHANGE_KINDS,
  type ChangeKind,
  type ConversationId,
  type Message,
  type MessageContent,
  Message as MessageSchema,
  parseWith,
  type RegionHistoryPage,
  SystemEvent,
} from "@edge-chat/protocol";
import type { HistoryRange, MessagesRepository } from "../ports.ts";
import { batchesByPartition } from "./batches.ts";
import { type Session, type Statement, toNumber } from "./session.ts";

type Row = Record<string, unknown>;
type MediaRow = Record<string, unknown> | null;

const COLUMNS = [
  M.seq,
  M.messageId,
  M.clientMsgId,
  M.senderId,
  M.kind,
  M.body,
  M.media,
  M.replyToSeq,
  M.serverTs,
].join(", ");

/** A message's content as the table's kind/body/media columns. */
function contentColumns(content: MessageContent): {
  kind: string;
  body: string | null;
  media: MediaRow;
} {
  switch (content.kind) {
    case "text":
      return { kind: "text", body: content.text, media: null };
    case "system":
      // System events are small structured records; JSON in `body` keeps the table generic.
      return { kind: "system", body: JSON.stringify(content.system), media: null };
    case "edit":
    case "delete":
    case "reaction":
    case "deleted": {
      // Changes (and tombstones) are small records too: their fields as JSON in `body`.
      const { kind, ...fields } = content;
      return { kind, body: JSON.stringify(fields), media: null };
    }
    case "image":
    case "audio":
    case "video": {
      const media = content.media as Record<string, unknown>;
      const udt: Record<string, unknown> = {
        [MR.objectKey]: media.objectKey,
        [MR.mime]: media.mime,
        [MR.size]: media.size,
        [MR.width]: media.width ?? null,
        [MR.height]: media.height ?? null,
        [MR.durationMs]: media.durationMs ?? null,
        [MR.thumbnailKey]: media.thumbnailKey ?? null,
      };
      const caption = "caption" in content ? (content.caption ?? null) : null;
      return { kind: content.kind, body: caption, media: udt };
    }
  }
}

/** A message row's rough size in a batch (the text dominates; ids, timestamps and media are small). */
function approximateBytes(message: Message): number {
  const content = message.content;
  const text = content.kind === "text" ? content.text : JSON.stringify(content);
  return 200 + Buffer.byteLength(text);
}

function contentOf(kind: string, body: string | null, media: MediaRow): unknown {
  if (kind === "text") return { kind, text: body };
  if (kind === "system")
    return { kind, system: parseWith(SystemEvent, JSON.parse(body ?? "null")) };
  if (CHANGE_KINDS.includes(kind as ChangeKind) || kind === "deleted") {
    return { ...(JSON.parse(body ?? "{}") as object), kind };
  }
  const ref: Record<string, unknown> = {
    objectKey: media?.[MR.objectKey],
    mime: media?.[MR.mime],
    size: toNumber(media?.[MR.size]),
  };
  for (const [field, column] of [
    ["width", MR.width],
    ["height", MR.height],
    ["durationMs", MR.durationMs],
    ["thumbnailKey", MR.thumbnailKey],
  ] as const) {
    const value = media?.[column];
    if (value !== null && value !== undefined) ref[field] = value;
  }
  const content: Record<string, unknown> = { kind, media: ref };
  if (body !== null && kind !== "audio") content.caption = body;
  return content;
}

function toMessage(conversationId: ConversationId, row: Row): Message {
  const message: Record<string, unknown> = {
    conversationId,
    seq: toNumber(row[M.seq]),
    messageId: row[M.messageId],
    clientMsgId: row[M.clientMsgId],
    senderId: row[M.senderId],
    content: contentOf(
      String(row[M.kind]),
      (row[M.body] as string | null) ?? null,
      (row[M.media] as MediaRow) ?? null,
    ),
    serverTs: toNumber(row[M.serverTs]),
  };
  if (row[M.replyToSeq] !== null && row[M.replyToSeq] !== undefined) {
    message.replyToSeq = toNumber(row[M.replyToSeq]);
  }
  // Validate on the way out: a row the protocol cannot express is a bug to surface, not to send.
  return parseWith(MessageSchema, message);
}

export class CassandraMessages implements MessagesRepository {
  private readonly session: Session;
  private readonly table: string;
  private readonly insertQuery: string;

  constructor(session: Session) {
    this.session = session;
    this.table = `${session.keyspace}.${TABLES.messagesByConversation}`;
    this.insertQuery =
      `INSERT INTO ${this.table} (${M.conversationId}, ${M.bucket}, ${M.seq}, ${M.messageId}, ` +
      `${M.clientMsgId}, ${M.senderId}, ${M.kind}, ${M.body}, ${M.media}, ${M.replyToSeq}, ${M.serverTs}) ` +
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  private insertStatement(message: Message): Statement {
    const { kind, body, media } = contentColumns(message.content);
    return {
      query: this.insertQuery,
      params: [
        message.conversationId,
        bucketOf(message.seq),
        message.seq,
        message.messageId,
        message.clientMsgId,
        message.senderId,
        kind,
        body,
        media,
        message.replyToSeq ?? null,
        new Date(message.serverTs),
      ],
    };
  }

  async insert(message: Message): Promise<void> {
    await this.insertMany([message]);
  }

  /** One unlogged batch per (conversation, bucket) partition, bounded in size, all in parallel. */
  async insertMany(messages: readonly Message[]): Promise<void> {
    const batches = batchesByPartition(
      messages,
      (m) => `${m.conversationId}\n${bucketOf(m.seq)}`,
      approximateBytes,
    );
    await Promise.all(
      batches.map((batch) => this.session.batch(batch.map((m) => this.insertStatement(m)))),
    );
  }

  async get(conversationId: ConversationId, seq: number): Promise<Message | null> {
    const result = await this.session.execute(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE ${M.conversationId} = ? AND ${M.bucket} = ? AND ${M.seq} = ?`,
      [conversationId, bucketOf(seq), seq],
    );
    const row = result.first();
    return row ? toMessage(conversationId, row) : null;
  }

  /** Rows of one bucket between two seqs (inclusive), in the requested order. */
  private async slice(
    conversationId: ConversationId,
    range: { bucket: number; minSeq: number; maxSeq: number },
    order: "asc" | "desc",
  ): Promise<Message[]> {
    const result = await this.session.execute(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE ${M.conversationId} = ? AND ${M.bucket} = ? ` +
        `AND ${M.seq} >= ? AND ${M.seq} <= ? ORDER BY ${M.seq} ${order.toUpperCase()}`,
      [conversationId, range.bucket, range.minSeq, range.maxSeq],
      { fetchSize: 1000 },
    );
    return result.rows.map((row) => toMessage(conversationId, row));
  }

  async page(conversationId: ConversationId, range: HistoryRange): Promise<RegionHistoryPage> {
    // One more than asked tells whether the range holds more in the paging direction.
    const probe = range.limit + 1;
    if (range.after !== undefined) {
      const plan = bucketsForPage({
        afterSeq: range.after,
        limit: probe,
        ...(range.before !== undefined ? { latestSeq: range.before - 1 } : {}),
      });
      const rows = (
        await Promise.all(plan.ranges.map((r) => this.slice(conversationId, r, "asc")))
      ).flat();
      return { messages: rows.slice(0, range.limit), hasMore: rows.length > range.limit };
    }
    const before =
      range.before ?? (await this.latestSeq(conversationId, range.latestSeqHint ?? 0)) + 1;
    if (before <= 1) return { messages: [], hasMore: false };
    const plan = bucketsForPage({ beforeSeq: before, limit: probe });
    const rows = (
      await Promise.all(plan.ranges.map((r) => this.slice(conversationId, r, "desc")))
    ).flat();
    const newest = rows.slice(0, range.limit);
    return { messages: newest.reverse(), hasMore: rows.length > range.limit };
  }

  /**
   * The newest stored seq, for "the latest page" requests. Starts at the hint's bucket (the
   * caller's list row, usually current) and walks upward while buckets are full: seq is gapless,
   * so only the last bucket is partly filled. Usually one single-row read.
   */
  private async latestSeq(conversationId: ConversationId, hint: number): Promise<number> {
    let latest = hint;
    for (let bucket = hint > 0 ? bucketOf(hint) : 0; ; bucket++) {
      const result = await this.session.execute(
        `SELECT ${M.seq} FROM ${this.table} WHERE ${M.conversationId} = ? AND ${M.bucket} = ? LIMIT 1`,
        [conversationId, bucket],
      );
      const row = result.first();
      if (!row) return latest;
      latest = Math.max(latest, toNumber(row[M.seq]));
      if (latest < (bucket + 1) * BUCKET_SIZE) return latest;
    }
  }
}
