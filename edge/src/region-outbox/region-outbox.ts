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

/** What the alarm's scheduling and the window's trim ask of the outbox on every send. */
interface OutboxStats {
  count: number;
  oldestCreatedAt: number | undefined;
  oldestMessageSeq: number | undefined;
}

export class RegionOutbox {
  private readonly sql: SqlStorage;
  /** After every region failed: when the flusher may try again (key scope "outbox"). */
  readonly retry: RetryState;
  /**
   * The stats in memory, so a send costs no COUNT/MIN query: read once, then kept by append (rows
   * are appended in id, time and seq order, so only the first append into an empty outbox changes
   * the oldest values). A delete, an empty head() and a rolled-back transaction (dropCache) forget
   * them: the next read is one query per flush, not per send. A rollback that is not reported
   * leaves the count too high, which only makes the alarm read an empty head() and recount.
   */
  private cache: OutboxStats | undefined;

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
    const stats = this.cache;
    if (!stats) return;
    stats.count++;
    stats.oldestCreatedAt ??= now;
    if (msgSeq !== null) stats.oldestMessageSeq ??= msgSeq;
  }

  /** Forgets the stats in memory (after a rolled-back transaction); the next read reloads them. */
  dropCache(): void {
    this.cache = undefined;
  }

  private load(): OutboxStats {
    if (this.cache) return this.cache;
    const row = this.sql
      .exec<{ n: number; oldest: number | null; seq: number | null }>(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest, MIN(msg_seq) AS seq FROM outbox",
      )
      .one();
    this.cache = {
      count: row.n,
      oldestCreatedAt: row.oldest ?? undefined,
      oldestMessageSeq: row.seq ?? undefined,
    };
    return this.cache;
  }

  head(limit: number): RegionOutboxRow[] {
    const rows = this.sql
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
    if (rows.length === 0)
      this.cache = { count: 0, oldestCreatedAt: undefined, oldestMessageSeq: undefined };
    return rows;
  }

  /** How many events wait and since when. O(1) after the first read. */
  stats(): { count: number; oldestCreatedAt: number | undefined } {
    const { count, oldestCreatedAt } = this.load();
    return { count, oldestCreatedAt };
  }

  /** The oldest message still unsent (the window must keep it); undefined when none is. O(1). */
  oldestMessageSeq(): number | undefined {
    return this.load().oldestMessageSeq;
  }

  /** A region confirmed the batch ending at `id`. */
  deleteUpTo(id: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id <= ?", id);
    this.cache = undefined;
  }
}
