// Single-use WebSocket tickets (browsers cannot set headers on an upgrade): issued to an
// authenticated user, stored in the issuing Durable Object's SQLite, deleted when consumed or
// expired. Shared by the ConversationDO and the InboxDO so both follow the same rules.
import type { UserId } from "@edge-chat/protocol";

export const TICKETS_SCHEMA =
  "CREATE TABLE IF NOT EXISTS tickets (ticket TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);";

/** 24 random bytes as hex. */
export function newTicket(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function insertTicket(
  sql: SqlStorage,
  ticket: string,
  userId: UserId,
  expiresAt: number,
): void {
  sql.exec(
    "INSERT INTO tickets (ticket, user_id, expires_at) VALUES (?, ?, ?)",
    ticket,
    userId,
    expiresAt,
  );
}

/** Consumes a ticket: returns its user when valid, and deletes it either way (single use). */
export function consumeTicket(sql: SqlStorage, ticket: string, now: number): UserId | null {
  const row = sql
    .exec<{ user_id: string; expires_at: number }>(
      "SELECT user_id, expires_at FROM tickets WHERE ticket = ?",
      ticket,
    )
    .toArray()[0];
  sql.exec("DELETE FROM tickets WHERE ticket = ? OR expires_at < ?", ticket, now);
  return row && row.expires_at >= now ? row.user_id : null;
}
