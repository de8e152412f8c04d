// conversation_members: one partition per conversation, one row per member. Writes and removals
// carry the membership snapshot's asOfSeq as their write timestamp: a newer snapshot's removal
// shadows an older one's insert, and a re-add at a higher asOfSeq beats the earlier removal.
import { CONVERSATION_MEMBERS as CM, TABLES } from "@edge-chat/cql";
import type { ConversationId, Member, UserId } from "@edge-chat/protocol";
import type { MembersRepository } from "../ports.ts";
import { type Session, toNumber } from "./session.ts";

function toMember(row: Record<string, unknown>): Member {
  return {
    userId: row[CM.userId] as string,
    role: row[CM.role] === "admin" ? "admin" : "member",
    joinedAt: toNumber(row[CM.joinedAt]),
  };
}

export class CassandraMembers implements MembersRepository {
  private readonly session: Session;
  private readonly table: string;
  private readonly columns = `${CM.userId}, ${CM.role}, ${CM.joinedAt}`;

  constructor(session: Session) {
    this.session = session;
    this.table = `${session.keyspace}.${TABLES.conversationMembers}`;
  }

  async list(conversationId: ConversationId): Promise<Member[]> {
    const result = await this.session.execute(
      `SELECT ${this.columns} FROM ${this.table} WHERE ${CM.conversationId} = ?`,
      [conversationId],
      { fetchSize: 1000 },
    );
    return result.rows.map(toMember);
  }

  async get(conversationId: ConversationId, userId: UserId): Promise<Member | null> {
    const result = await this.session.execute(
      `SELECT ${this.columns} FROM ${this.table} WHERE ${CM.conversationId} = ? AND ${CM.userId} = ?`,
      [conversationId, userId],
    );
    const row = result.first();
    return row ? toMember(row) : null;
  }

  async put(conversationId: ConversationId, member: Member, asOfSeq: number): Promise<void> {
    await this.session.execute(
      `INSERT INTO ${this.table} (${CM.conversationId}, ${CM.userId}, ${CM.role}, ${CM.joinedAt}) VALUES (?, ?, ?, ?)`,
      [conversationId, member.userId, member.role, new Date(member.joinedAt)],
      { timestamp: asOfSeq },
    );
  }

  async remove(conversationId: ConversationId, userId: UserId, asOfSeq: number): Promise<void> {
    await this.session.execute(
      `DELETE FROM ${this.table} WHERE ${CM.conversationId} = ? AND ${CM.userId} = ?`,
      [conversationId, userId],
      { timestamp: asOfSeq },
    );
  }
}
