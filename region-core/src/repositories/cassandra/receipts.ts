// message_receipts: per-member watermarks, written with the receipt's updated_at as the write
// timestamp (cql's 0005), so the highest watermark survives replays and reorders without LWT.
import { MESSAGE_RECEIPTS as R, TABLES, watermarkWriteTimestamp } from "@edge-chat/cql";
import type { ConversationId, UserId } from "@edge-chat/protocol";
import type { ReceiptRow, ReceiptsRepository } from "../ports.ts";
import { type Session, toNumber } from "./session.ts";

function toReceipt(conversationId: ConversationId, row: Record<string, unknown>): ReceiptRow {
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

  constructor(session: Session) {
    this.session = session;
    this.table = `${session.keyspace}.${TABLES.messageReceipts}`;
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
    return result.rows.map((row) => toReceipt(conversationId, row));
  }

  async put(row: ReceiptRow): Promise<void> {
    await this.session.execute(
      `UPDATE ${this.table} SET ${R.deliveredUpTo} = ?, ${R.readUpTo} = ?, ${R.updatedAt} = ? WHERE ${R.conversationId} = ? AND ${R.userId} = ?`,
      [row.deliveredUpTo, row.readUpTo, new Date(row.updatedAt), row.conversationId, row.userId],
      { timestamp: watermarkWriteTimestamp(row.updatedAt) },
    );
  }
}
