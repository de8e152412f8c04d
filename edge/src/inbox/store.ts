// The InboxDO's SQLite storage: the one adapter that knows its table and column names. Synchronous
// like the DO's SQLite API, so the service can group calls in transactionSync.
import type { ConversationId, UserId } from "@edge-chat/protocol";
import { consumeTicket, insertTicket, TICKETS_SCHEMA } from "../auth/tickets.ts";
import type { InboxRow } from "./domain/entries.ts";
import type { PushState } from "./domain/push.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rows (
  conversation_id TEXT PRIMARY KEY, body TEXT NOT NULL, member INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pushes (
  conversation_id TEXT PRIMARY KEY, last_push_at INTEGER, pushed_up_to_seq INTEGER NOT NULL,
  due_at INTEGER);
CREATE INDEX IF NOT EXISTS pushes_due ON pushes (due_at);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export class InboxStore {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(SCHEMA + TICKETS_SCHEMA);
  }

  // ── conversation rows ──
  row(conversationId: ConversationId): InboxRow | undefined {
    const r = this.sql
      .exec<{ body: string }>("SELECT body FROM rows WHERE conversation_id = ?", conversationId)
      .toArray()[0];
    return r ? (JSON.parse(r.body) as InboxRow) : undefined;
  }
  putRow(row: InboxRow): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO rows (conversation_id, body, member, kind) VALUES (?, ?, ?, ?)",
      row.conversationId,
      JSON.stringify(row),
      row.member ? 1 : 0,
      row.kind,
    );
  }
  /** Rows the user is a member of. */
  memberRows(): InboxRow[] {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM rows WHERE member = 1")
      .toArray()
      .map((r) => JSON.parse(r.body) as InboxRow);
  }
  directConversationIds(): ConversationId[] {
    return this.sql
      .exec<{ conversation_id: string }>(
        "SELECT conversation_id FROM rows WHERE member = 1 AND kind = 'direct'",
      )
      .toArray()
      .map((r) => r.conversation_id);
  }

  // ── push state per conversation ──
  pushState(conversationId: ConversationId): PushState {
    const r = this.sql
      .exec<{ last_push_at: number | null; pushed_up_to_seq: number }>(
        "SELECT last_push_at, pushed_up_to_seq FROM pushes WHERE conversation_id = ?",
        conversationId,
      )
      .toArray()[0];
    return {
      lastPushAt: r?.last_push_at ?? undefined,
      pushedUpToSeq: r?.pushed_up_to_seq ?? 0,
    };
  }
  setPushState(conversationId: ConversationId, state: PushState, dueAt: number | undefined): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO pushes (conversation_id, last_push_at, pushed_up_to_seq, due_at)
       VALUES (?, ?, ?, ?)`,
      conversationId,
      state.lastPushAt ?? null,
      state.pushedUpToSeq,
      dueAt ?? null,
    );
  }
  /** Conversations whose collapsed push is due at or before `now`. */
  duePushes(now: number): ConversationId[] {
    return this.sql
      .exec<{ conversation_id: string }>(
        "SELECT conversation_id FROM pushes WHERE due_at IS NOT NULL AND due_at <= ?",
        now,
      )
      .toArray()
      .map((r) => r.conversation_id);
  }
  nextPushDue(): number | undefined {
    const r = this.sql
      .exec<{ t: number | null }>("SELECT MIN(due_at) AS t FROM pushes WHERE due_at IS NOT NULL")
      .one();
    return r.t ?? undefined;
  }

  // ── tickets ──
  insertTicket(ticket: string, userId: UserId, expiresAt: number): void {
    insertTicket(this.sql, ticket, userId, expiresAt);
  }
  consumeTicket(ticket: string, now: number): UserId | null {
    return consumeTicket(this.sql, ticket, now);
  }

  // ── small JSON values (owner, last seen, counters) ──
  kvGet<T>(key: string): T | undefined {
    const r = this.sql
      .exec<{ value: string }>("SELECT value FROM kv WHERE key = ?", key)
      .toArray()[0];
    return r ? (JSON.parse(r.value) as T) : undefined;
  }
  kvSet(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)",
      key,
      JSON.stringify(value),
    );
  }
}
