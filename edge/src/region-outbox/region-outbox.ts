// The region outbox (table `outbox`): every event bound for the regions (messages, receipts,
// membership, changes), appended in the transaction of the change, read in order by the flusher,
// and deleted only after a region confirmed the batch. Its retry state sits beside it.
import { DEFAULT_RETRY, type RegionEvent, type RetryPolicy } from "@edge-chat/protocol";
import type { TypedKv } from "../storage/kv.ts";
import { RetryState } from "../storage/retry-state.ts";

export const REGION_OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, msg_seq INTEGER, event TEXT NOT NULL, created_at INTEGER NOT NULL);`;

/**
 * Retry delays after every region failed. Capped at 5 s rather than the default 30 s: the wait
 * after a region returns is up to one full delay, and acknowledged messages sit in the outbox for
 * all of it (the chaos suite's Kafka restart measured 31 s of drain behind the 30 s cap). A failed
 * attempt costs one refused request per conversation with pending events.
 */
const RETRY: RetryPolicy = { ...DEFAULT_RETRY, maxDelayMs: 5_000 };

export interface RegionOutboxRow {
  id: number;
  event: RegionEvent;
  createdAt: number;
}

export class RegionOutbox {
  private readonly sql: SqlStorage;
  /** After every region failed: when the flusher may try again (key scope "outbox"). */
  readonly retry: RetryState;

  constructor(sql: SqlStorage, kv: TypedKv) {
    this.sql = sql;
    this.retry = new RetryState(kv, "outbox", RETRY);
  }

  /** `text` is the event's JSON when the caller already has it (a message is serialized once). */
  append(event: RegionEvent, now: number, text: string = JSON.stringify(event)): void {
    const msgSeq = event.type === "message" ? event.message.seq : null;
    this.sql.exec(
      "INSERT INTO outbox (msg_seq, event, created_at) VALUES (?, ?, ?)",
      msgSeq,
      text,
      now,
    );
  }

  head(limit: number): RegionOutboxRow[] {
    return this.sql
      .exec<{ id: number; event: string; created_at: number }>(
        "SELECT id, event, created_at FROM outbox ORDER BY id LIMIT ?",
        limit,
      )
      .toArray()
      .map((r) => ({
        id: r.id,
        event: JSON.parse(r.event) as RegionEvent,
        createdAt: r.created_at,
      }));
  }

  stats(): { count: number; oldestCreatedAt: number | undefined } {
    const row = this.sql
      .exec<{ n: number; oldest: number | null }>(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox",
      )
      .one();
    return { count: row.n, oldestCreatedAt: row.oldest ?? undefined };
  }

  /** The oldest message still unsent (the window must keep it); undefined when none is. */
  oldestMessageSeq(): number | undefined {
    const row = this.sql
      .exec<{ s: number | null }>("SELECT MIN(msg_seq) AS s FROM outbox WHERE msg_seq IS NOT NULL")
      .one();
    return row.s ?? undefined;
  }

  /** A region confirmed the batch ending at `id`. */
  deleteUpTo(id: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id <= ?", id);
  }
}
