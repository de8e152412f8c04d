// The ConversationDO's pending targeted inbox notifications (table `inbox_outbox`): joins,
// removals and reads, i.e. changes that concern one member (messages are not written here: they
// only mark the conversation dirty, see inbox-notifier.ts). At most one row per member, holding the
// newest InboxUpdate for that member's InboxDO, written in the same transaction as the change it
// reports so none is lost; coalesced per member (a newer update replaces the body, the read
// watermark only rises); a row is deleted after a delivery only if no newer update replaced it
// meanwhile (`version`).
import type { InboxUpdate, UserId } from "@edge-chat/protocol";
import type { TypedKv } from "../storage/kv.ts";
import { RetryState } from "../storage/retry-state.ts";

export const INBOX_OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox_outbox (
  user_id TEXT PRIMARY KEY, body TEXT NOT NULL, read_up_to INTEGER NOT NULL,
  version INTEGER NOT NULL, created_at INTEGER NOT NULL);`;

export interface PendingInboxUpdate {
  update: InboxUpdate;
  version: number;
  /** When the oldest change in this row was queued (coalescing keeps it): the inbox's staleness. */
  createdAt: number;
}

export class InboxOutbox {
  private readonly sql: SqlStorage;
  /** After a failed delivery round: when the notifier may try again (key scope "inbox"). */
  readonly retry: RetryState;
  /**
   * False once a read found no row and none was put since (memory; true again after a wake-up).
   * A busy conversation ticks twice a second and a tick almost always finds the table empty
   * (messages write no rows here), yet a profile of a 1,024-member group's tick put ~10 ms of it
   * in that read, on the thread that fans the next message out.
   */
  private mayHaveRows = true;
  constructor(sql: SqlStorage, kv: TypedKv) {
    this.sql = sql;
    this.retry = new RetryState(kv, "inbox");
  }

  /** Records (or coalesces into) the member's pending update. Updates arrive in seq order. */
  put(update: InboxUpdate, now: number): void {
    this.mayHaveRows = true;
    this.sql.exec(
      `INSERT INTO inbox_outbox (user_id, body, read_up_to, version, created_at) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (user_id) DO UPDATE SET body = excluded.body,
         read_up_to = MAX(read_up_to, excluded.read_up_to), version = version + 1`,
      update.userId,
      JSON.stringify(update),
      update.readUpTo,
      now,
    );
  }

  head(limit: number): PendingInboxUpdate[] {
    if (!this.mayHaveRows) return [];
    const rows = this.sql
      .exec<{ body: string; read_up_to: number; version: number; created_at: number }>(
        "SELECT body, read_up_to, version, created_at FROM inbox_outbox ORDER BY created_at, user_id LIMIT ?",
        limit,
      )
      .toArray()
      .map((r) => {
        const update = JSON.parse(r.body) as InboxUpdate;
        return {
          update: { ...update, readUpTo: r.read_up_to },
          version: r.version,
          createdAt: r.created_at,
        };
      });
    this.mayHaveRows = rows.length > 0;
    return rows;
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox_outbox").one().n;
  }

  /** Deletes the member's row if it is still the version that was delivered. */
  delivered(userId: UserId, version: number): void {
    this.sql.exec("DELETE FROM inbox_outbox WHERE user_id = ? AND version = ?", userId, version);
  }
}
