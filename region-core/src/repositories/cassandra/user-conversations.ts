// conversations_by_user: which conversations a user is in, one row per membership, written only by
// membership changes. The list's activity and unread counts are derived on read from each
// conversation's message_receipts partition (cql's 0007), so no message writes here.
import { CONVERSATIONS_BY_USER as U, TABLES } from "@edge-chat/cql";
import type { ConversationId, UserId } from "@edge-chat/protocol";
import type { UserConversationRow, UserConversationsRepository } from "../ports.ts";
import { type Session, toNumber } from "./session.ts";

const COLUMNS = [U.conversationId, U.kind, U.joinedAt].join(", ");

function toRow(userId: UserId, row: Record<string, unknown>): UserConversationRow {
  const result: UserConversationRow = {
    userId,
    conversationId: row[U.conversationId] as string,
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

  async remove(userId: UserId, conversationId: ConversationId): Promise<void> {
    await this.session.execute(
      `DELETE FROM ${this.table} WHERE ${U.userId} = ? AND ${U.conversationId} = ?`,
      [userId, conversationId],
    );
  }
}
