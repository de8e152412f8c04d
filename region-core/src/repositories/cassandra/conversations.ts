// conversations: one row per conversation. Written only from membership snapshots, with the
// snapshot's asOfSeq as the write timestamp, so an older snapshot replayed later loses cell by cell;
// reading WRITETIME(kind) gives back the asOfSeq of the snapshot in force.
import { CONVERSATIONS as C, TABLES } from "@edge-chat/cql";
import type { ConversationId } from "@edge-chat/protocol";
import type { ConversationRow, ConversationsRepository } from "../ports.ts";
import { chunks } from "./batches.ts";
import { type Session, toNumber } from "./session.ts";

function toConversation(row: Record<string, unknown>): ConversationRow | null {
  if (row[C.kind] === null || row[C.kind] === undefined) return null;
  const conversation: ConversationRow = {
    conversationId: row[C.conversationId] as string,
    kind: row[C.kind] === "direct" ? "direct" : "group",
    createdAt: toNumber(row[C.createdAt]),
    membersAsOfSeq: toNumber(row.version),
  };
  if (row[C.name] !== null) conversation.name = row[C.name] as string;
  return conversation;
}

export class CassandraConversations implements ConversationsRepository {
  private readonly session: Session;
  private readonly table: string;

  constructor(session: Session) {
    this.session = session;
    this.table = `${session.keyspace}.${TABLES.conversations}`;
  }

  private readonly columns =
    `${C.conversationId}, ${C.kind}, ${C.name}, ${C.createdAt}, WRITETIME(${C.kind}) AS version`;

  async get(conversationId: ConversationId): Promise<ConversationRow | null> {
    const result = await this.session.execute(
      `SELECT ${this.columns} FROM ${this.table} WHERE ${C.conversationId} = ?`,
      [conversationId],
    );
    const row = result.first();
    return row ? toConversation(row) : null;
  }

  async getMany(conversationIds: readonly ConversationId[]): Promise<ConversationRow[]> {
    const results = await Promise.all(
      chunks(conversationIds).map((ids) =>
        this.session.execute(
          `SELECT ${this.columns} FROM ${this.table} WHERE ${C.conversationId} IN ?`,
          [ids],
          { fetchSize: 5000 },
        ),
      ),
    );
    return results.flatMap((result) => result.rows.flatMap((row) => toConversation(row) ?? []));
  }

  async put(row: ConversationRow): Promise<void> {
    await this.session.execute(
      `INSERT INTO ${this.table} (${C.conversationId}, ${C.kind}, ${C.name}, ${C.createdAt}) VALUES (?, ?, ?, ?)`,
      [row.conversationId, row.kind, row.name ?? null, new Date(row.createdAt)],
      { timestamp: row.membersAsOfSeq },
    );
  }
}
