// The InboxDO's push outbox (table `push_outbox`): every decided push is written here in the same
// transaction as the decision, and leaves only when the push sender (the region's /v1/push, or the
// webhook) has confirmed it; a failure keeps the row and retries it with jittered backoff from the
// DO's alarm. A region outage therefore delays notifications but loses none. Each row carries its
// push id from the start, so a retry names the same push. Small and self-contained on purpose: it
// can be folded into a shared edge outbox later.
import {
  backoffDelay,
  ChatError,
  DEFAULT_RETRY,
  isRetriable,
  type PushNotification,
  type RetryPolicy,
} from "@edge-chat/protocol";

export const PUSH_OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS push_outbox (
  push_id TEXT PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL, next_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS push_outbox_next ON push_outbox (next_at);`;

/** Retries: as the conversation outbox, capped at 5 s so a returning region is used soon. */
export const PUSH_RETRY: RetryPolicy = { ...DEFAULT_RETRY, maxDelayMs: 5_000 };
/** A notification older than this is stale news (the inbox still shows the unread count): dropped. */
export const PUSH_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Most pushes one alarm sends before yielding; the alarm comes back for the rest. */
const MAX_PER_FLUSH = 50;

export interface PendingPush {
  pushId: string;
  notification: PushNotification;
  createdAt: number;
  attempts: number;
}

export interface PushDelivery {
  send(notification: PushNotification, pushId: string): Promise<void>;
}

/** A receiver's HTTP status as the error the outbox decides on: a 4xx is final, the rest passes. */
export function refusalOf(receiver: string, status: number): ChatError {
  return status >= 400 && status < 500 && status !== 429
    ? new ChatError("permanent_failure", `${receiver} refused the push: ${status}`)
    : new ChatError("unavailable", `${receiver} answered ${status}`);
}

export type AfterFailure = { kind: "retry"; at: number } | { kind: "drop"; reason: string };

/** Pure: what to do with a push whose delivery failed with `error`. */
export function afterFailure(
  push: PendingPush,
  error: unknown,
  now: number,
  random: () => number = Math.random,
): AfterFailure {
  // A 4xx from the receiver is about the push itself: sending it again would fail again.
  if (!isRetriable(error)) return { kind: "drop", reason: String(error) };
  if (now - push.createdAt >= PUSH_MAX_AGE_MS) return { kind: "drop", reason: "too old" };
  return { kind: "retry", at: now + backoffDelay(push.attempts, PUSH_RETRY, random) };
}

export class PushOutbox {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(PUSH_OUTBOX_SCHEMA);
  }

  put(pushId: string, notification: PushNotification, now: number): void {
    this.sql.exec(
      "INSERT INTO push_outbox (push_id, body, created_at, attempts, next_at) VALUES (?, ?, ?, 0, ?)",
      pushId,
      JSON.stringify(notification),
      now,
      now,
    );
  }

  /** Pushes due at `now`, oldest first. */
  due(now: number, limit: number): PendingPush[] {
    return this.sql
      .exec<{ push_id: string; body: string; created_at: number; attempts: number }>(
        `SELECT push_id, body, created_at, attempts FROM push_outbox WHERE next_at <= ?
         ORDER BY created_at, push_id LIMIT ?`,
        now,
        limit,
      )
      .toArray()
      .map((r) => ({
        pushId: r.push_id,
        notification: JSON.parse(r.body) as PushNotification,
        createdAt: r.created_at,
        attempts: r.attempts,
      }));
  }

  remove(pushId: string): void {
    this.sql.exec("DELETE FROM push_outbox WHERE push_id = ?", pushId);
  }

  retryAt(pushId: string, at: number): void {
    this.sql.exec(
      "UPDATE push_outbox SET attempts = attempts + 1, next_at = ? WHERE push_id = ?",
      at,
      pushId,
    );
  }

  nextDue(): number | undefined {
    const r = this.sql
      .exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM push_outbox")
      .one();
    return r.t ?? undefined;
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM push_outbox").one().n;
  }

  /**
   * Sends what is due, one push at a time; a confirmed push is deleted, a failed one is kept for
   * its retry (or dropped, with a log line, when retrying cannot help). Run from the DO's alarm
   * only, so two flushes never send the same row at once.
   */
  async flush(
    delivery: PushDelivery,
    now: () => number,
  ): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (const push of this.due(now(), MAX_PER_FLUSH)) {
      try {
        await delivery.send(push.notification, push.pushId);
        this.remove(push.pushId);
        sent++;
      } catch (error) {
        failed++;
        const next = afterFailure(push, error, now());
        if (next.kind === "drop") {
          console.warn(`push ${push.pushId} dropped: ${next.reason}`);
          this.remove(push.pushId);
        } else {
          console.warn(`push ${push.pushId} failed, retrying`, String(error));
          this.retryAt(push.pushId, next.at);
        }
      }
    }
    return { sent, failed };
  }
}
