// message_receipts: one partition per conversation. Static cells hold the conversation's head
// (last message seq and time, cql's 0007); each member's row holds their receipt watermarks (0005)
// and the highest seq they sent. Every cell is written with the ConversationDO's event time as its
// write timestamp (watermarkWriteTimestamp), so the newest value survives replays and reorders
// without a read or LWT, and one run of a conversation's events is one single-partition batch.
import { MESSAGE_RECEIPTS as R, TABLES, watermarkWriteTimestamp } from "@edge-chat/cql";
import { type ConversationId, readPosition, type UserId } from "@edge-chat/protocol";
import type {
  ConversationStateChange,
  MemberState,
  ReceiptRow,
  ReceiptsRepository,
} from "../ports.ts";
import { BATCH_LIMITS, chunks } from "./batches.ts";
import { type Session, type Statement, toNumber } from "./session.ts";

function toMemberState(
  conversationId: ConversationId,
  userId: UserId,
  row: Record<string, unknown>,
): MemberState {
  return {
    conversationId,
    userId,
    lastMessageSeq: toNumber(row[R.lastMessageSeq]),
    lastMessageAt: toNumber(row[R.lastMessageAt]),
    lastReadSeq: readPosition(toNumber(row[R.readUpTo]), toNumber(row[R.sentUpTo])),
  };
}

function toReceipt(
  conversationId: ConversationId,
  row: Record<string, unknown>,
): ReceiptRow | null {
  // A row with no receipt yet (only the join marker or sent_up_to) has no watermarks to report.
  if (row[R.updatedAt] === null || row[R.updatedAt] === undefined) return null;
  return {
    conversationId,
    userId: row[R.userId] as string,
    deliveredUpTo: toNumber(row[R.deliveredUpTo]),
    readUpTo: toNumber(row[R.readUpTo]),
    updatedAt: toNumber(row[R.updatedAt]),
  };
}

export class CassandraReceipts implements ReceiptsRepository {
  private readonly session: Session;
  private readonly table: string;
  private readonly columns = `${R.userId}, ${R.deliveredUpTo}, ${R.readUpTo}, ${R.updatedAt}`;
  private readonly q: Record<
    "receipt" | "head" | "sent" | "join" | "member" | "members" | "headOnly",
    string
  >;

  constructor(session: Session) {
    this.session = session;
    const t = `${session.keyspace}.${TABLES.messageReceipts}`;
    this.table = t;
    const where = `WHERE ${R.conversationId} = ? AND ${R.userId} = ?`;
    this.q = {
      receipt: `UPDATE ${t} USING TIMESTAMP ? SET ${R.deliveredUpTo} = ?, ${R.readUpTo} = ?, ${R.updatedAt} = ? ${where}`,
      head: `UPDATE ${t} USING TIMESTAMP ? SET ${R.lastMessageSeq} = ?, ${R.lastMessageAt} = ? WHERE ${R.conversationId} = ?`,
      sent: `UPDATE ${t} USING TIMESTAMP ? SET ${R.sentUpTo} = ? ${where}`,
      join: `INSERT INTO ${t} (${R.conversationId}, ${R.userId}) VALUES (?, ?)`,
      member: `SELECT ${R.lastMessageSeq}, ${R.lastMessageAt}, ${R.readUpTo}, ${R.sentUpTo} FROM ${t} ${where}`,
      members: `SELECT ${R.conversationId}, ${R.lastMessageSeq}, ${R.lastMessageAt}, ${R.readUpTo}, ${R.sentUpTo} FROM ${t} WHERE ${R.conversationId} IN ? AND ${R.userId} = ?`,
      headOnly: `SELECT ${R.lastMessageSeq}, ${R.lastMessageAt} FROM ${t} WHERE ${R.conversationId} = ? LIMIT 1`,
    };
  }

  async get(conversationId: ConversationId, userId: UserId): Promise<ReceiptRow | null> {
    const result = await this.session.execute(
      `SELECT ${this.columns} FROM ${this.table} WHERE ${R.conversationId} = ? AND ${R.userId} = ?`,
      [conversationId, userId],
    );
    const row = result.first();
    return row ? toReceipt(conversationId, row) : null;
  }

  async list(conversationId: ConversationId): Promise<ReceiptRow[]> {
    const result = await this.session.execute(
      `SELECT ${this.columns} FROM ${this.table} WHERE ${R.conversationId} = ?`,
      [conversationId],
      { fetchSize: 1000 },
    );
    return result.rows.flatMap((row) => toReceipt(conversationId, row) ?? []);
  }

  async put(row: ReceiptRow): Promise<void> {
    await this.record(row.conversationId, { receipts: [row] });
  }

  /** The whole change as one unlogged batch on the conversation's partition (bounded in size). */
  async record(conversationId: ConversationId, change: ConversationStateChange): Promise<void> {
    const statements: Statement[] = [];
    for (const userId of change.joined ?? []) {
      statements.push({ query: this.q.join, params: [conversationId, userId] });
    }
    if (change.head) {
      const { lastMessageSeq, lastMessageAt } = change.head;
      statements.push({
        query: this.q.head,
        params: [
          watermarkWriteTimestamp(lastMessageAt),
          lastMessageSeq,
          new Date(lastMessageAt),
          conversationId,
        ],
      });
    }
    for (const sent of change.sent ?? []) {
      statements.push({
        query: this.q.sent,
        params: [watermarkWriteTimestamp(sent.at), sent.upToSeq, conversationId, sent.userId],
      });
    }
    for (const r of change.receipts ?? []) {
      statements.push({
        query: this.q.receipt,
        params: [
          watermarkWriteTimestamp(r.updatedAt),
          r.deliveredUpTo,
          r.readUpTo,
          new Date(r.updatedAt),
          conversationId,
          r.userId,
        ],
      });
    }
    // Every cell is versioned on its own, so a large change (hundreds of senders or receipts in one
    // run) may go as several batches: this keeps each under Cassandra's batch size limit.
    await Promise.all(
      chunks(statements, BATCH_LIMITS.maxStatements).map((part) => this.session.batch(part)),
    );
  }

  async memberState(conversationId: ConversationId, userId: UserId): Promise<MemberState | null> {
    const result = await this.session.execute(this.q.member, [conversationId, userId]);
    const row = result.first();
    if (row) return toMemberState(conversationId, userId, row);
    // No row for this member (joined before 0007, never a watermark): the head alone. Rare, since
    // joining writes the member's row.
    const head = (await this.session.execute(this.q.headOnly, [conversationId])).first();
    if (!head || head[R.lastMessageSeq] === null) return null;
    return {
      conversationId,
      userId,
      lastMessageSeq: toNumber(head[R.lastMessageSeq]),
      lastMessageAt: toNumber(head[R.lastMessageAt]),
      lastReadSeq: 0,
    };
  }

  /** One IN read per 100 conversations; the rare member without a row falls back to memberState. */
  async memberStates(
    userId: UserId,
    conversationIds: readonly ConversationId[],
  ): Promise<MemberState[]> {
    const results = await Promise.all(
      chunks(conversationIds).map((ids) =>
        this.session.execute(this.q.members, [ids, userId], { fetchSize: 5000 }),
      ),
    );
    const states = results.flatMap((result) =>
      result.rows.map((row) => toMemberState(row[R.conversationId] as string, userId, row)),
    );
    const found = new Set(states.map((state) => state.conversationId));
    const missing = conversationIds.filter((id) => !found.has(id));
    const fallbacks = await Promise.all(missing.map((id) => this.memberState(id, userId)));
    return [...states, ...fallbacks.filter((state) => state !== null)];
  }
}
