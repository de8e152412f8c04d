// conversations_by_user: a user's list, one row per conversation, updated in place. As cql's 0004
// prescribes, watermark cells are written with the DO's event time as their write timestamp
// (watermarkWriteTimestamp), so last-write-wins is newest-wins and replays cannot regress them.
import { TABLES, CONVERSATIONS_BY_USER as U, watermarkWriteTimestamp } from "@edge-chat/cql";
import type { ConversationId, UserId } from "@edge-chat/protocol";
import type { UserConversationRow, UserConversationsRepository } from "../ports.ts";
import { type Session, toNumber } from "./session.ts";

const COLUMNS = [
  U.conversationId,
  U.kind,
  U.joinedAt,
  U.lastMessageSeq,
  U.lastMessageAt,
  U.lastReadSeq,
].join(", ");

function toRow(userId: UserId, row: Record<string, unknown>): UserConversationRow {
  const result: UserConversationRow = {
    userId,
    conversationId: row[U.conversationId] as string,
    lastMessageSeq: toNumber(row[U.lastMessageSeq]),
    lastMessageAt: toNumber(row[U.lastMessageAt]),
    lastReadSeq: toNumber(row[U.lastReadSeq]),
  };
  const kind = row[U.kind];
  if (kind === "direct" || kind === "group") result.kind = kind;
  if (row[U.joinedAt] !== null && row[U.joinedAt] !== undefined) {
    result.joinedAt = toNumber(row[U.joinedAt]);
  }
  return result;
}

export class CassandraUserConversations implements UserConversationsRepository {
  private readonly session: Session;
  private readonly table: string;

  constructor(session: Session) {
    this.session = session;
    this.table = `${session.keyspace}.${TABLES.conversationsByUser}`;
  }

  async list(userId: UserId): Promise<UserConversationRow[]> {
    const result = await this.session.execute(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE ${U.userId} = ?`,
      [userId],
      { fetchSize: 5000 },
    );
    return result.rows.map((row) => toRow(userId, row));
  }

  async get(userId: UserId, conversationId: ConversationId): Promise<UserConversationRow | null> {
    const result = await this.session.execute(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE ${U.userId} = ? AND ${U.conversationId} = ?`,
      [userId, conversationId],
    );
    const row = result.first();
    return row ? toRow(userId, row) : null;
  }

  async join(row: {
    userId: UserId;
    conversationId: ConversationId;
    kind: "direct" | "group";
    joinedAt: number;
  }) {
    await this.session.execute(
      `UPDATE ${this.table} SET ${U.kind} = ?, ${U.joinedAt} = ? WHERE ${U.userId} = ? AND ${U.conversationId} = ?`,
      [row.kind, new Date(row.joinedAt), row.userId, row.conversationId],
    );
  }

  async recordMessage(row: {
    userId: UserId;
    conversationId: ConversationId;
    lastMessageSeq: number;
    lastMessageAt: number;
  }) {
    await this.session.execute(
      `UPDATE ${this.table} SET ${U.lastMessageSeq} = ?, ${U.lastMessageAt} = ? WHERE ${U.userId} = ? AND ${U.conversationId} = ?`,
      [row.lastMessageSeq, new Date(row.lastMessageAt), row.userId, row.conversationId],
      { timestamp: watermarkWriteTimestamp(row.lastMessageAt) },
    );
  }

  async recordRead(row: {
    userId: UserId;
    conversationId: ConversationId;
    lastReadSeq: number;
    at: number;
  }) {
    await this.session.execute(
      `UPDATE ${this.table} SET ${U.lastReadSeq} = ? WHERE ${U.userId} = ? AND ${U.conversationId} = ?`,
      [row.lastReadSeq, row.userId, row.conversationId],
      { timestamp: watermarkWriteTimestamp(row.at) },
    );
  }

  async remove(userId: UserId, conversationId: ConversationId): Promise<void> {
    await this.session.execute(
      `DELETE FROM ${this.table} WHERE ${U.userId} = ? AND ${U.conversationId} = ?`,
      [userId, conversationId],
    );
  }
}
