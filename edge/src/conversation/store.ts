// The ConversationDO's SQLite storage: the one adapter that knows table and column names. Every
// method is synchronous (the DO's SQLite API is), so callers can group them in transactionSync.
import type {
  Member,
  MemberReceipt,
  MemberRole,
  Message,
  RegionEvent,
  SendAck,
  UserId,
} from "@edge-chat/protocol";
import { consumeTicket, insertTicket, TICKETS_SCHEMA } from "../auth/tickets.ts";
import { REGION_OUTBOX_SCHEMA, RegionOutbox } from "../region-outbox/region-outbox.ts";
import { KV_SCHEMA, kvKey, SqlKv } from "../storage/kv.ts";
import { INBOX_OUTBOX_SCHEMA, InboxOutbox } from "./inbox-outbox.ts";
import { VerifiedMediaStore } from "./verified-media.ts";
import { ChangesStore } from "./changes-store.ts";
import { GroupStore } from "./group-store.ts";
import type { ConversationMeta } from "./domain/membership.ts";
import type { Bucket } from "./domain/token-bucket.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS members (
  user_id TEXT PRIMARY KEY, role TEXT NOT NULL, joined_at INTEGER NOT NULL,
  delivered_up_to INTEGER NOT NULL DEFAULT 0, read_up_to INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, client_msg_id TEXT NOT NULL, body TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS messages_client_id ON messages (sender_id, client_msg_id);
CREATE TABLE IF NOT EXISTS sends (
  sender_id TEXT NOT NULL, client_msg_id TEXT NOT NULL, seq INTEGER NOT NULL,
  message_id TEXT NOT NULL, server_ts INTEGER NOT NULL, PRIMARY KEY (sender_id, client_msg_id));
CREATE INDEX IF NOT EXISTS sends_seq ON sends (seq);
CREATE TABLE IF NOT EXISTS last_sent (user_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
`;

const META = kvKey<ConversationMeta>("meta:meta");
/**
 * Written by earlier versions on every append; now only read (an object that has not appended
 * since still finds its last seq here). The newest seq is otherwise the newest row of `messages`
 * or `sends`: the window (WINDOW_SIZE >= 1) never trims the newest message, so one statement less
 * per send.
 */
const LAST_SEQ = kvKey<number>("meta:lastSeq");

/**
 * Thrown inside the append's transaction when (sender, clientMsgId) is already stored: the
 * transaction rolls back, and the caller answers with the original ack (a resend). Detecting the
 * resend by the insert itself saves the look-up every first send would otherwise make.
 */
export class DuplicateSend extends Error {
  constructor() {
    super("duplicate (sender, clientMsgId)");
  }
}

/** The member list and watermarks, loaded once and kept in memory (the DO is single-threaded). */
interface MemberCache {
  members: Member[];
  byId: Map<UserId, Member>;
  /** In join order, like `members`; replaced (never mutated) on change, so callers may keep one. */
  receipts: MemberReceipt[];
  receiptIndex: Map<UserId, number>;
  /** Each user's newest own message (their own messages count as read in their inbox). */
  lastSent: Map<UserId, number>;
}

// Hot state (metadata, last seq, members, watermarks) is read from SQLite once and then served from
// memory; every write goes through this class and updates both. A rolled-back transaction must call
// dropCache() (the ConversationDO's transaction wrapper does), so memory never runs ahead of disk.
export class ConversationStore {
  private readonly sql: SqlStorage;
  private metaCache: ConversationMeta | null | undefined;
  private lastSeqCache: number | undefined;
  private memberCache: MemberCache | undefined;
  private lastMessageCache: Message | null | undefined;
  /** Small typed JSON values (metadata, retry and router state). */
  readonly kv: SqlKv;
  /** Events bound for the regions (same database, same transactions). */
  readonly regionOutbox: RegionOutbox;
  private readonly buckets = new Map<UserId, Bucket | undefined>();
  /** Pending notifications to the members' InboxDOs (same database, same transactions). */
  readonly inbox: InboxOutbox;
  /** Media that regions verified for members: what a media message may reference. */
  readonly media: VerifiedMediaStore;
  /** Edit history, reactions, tombstones, hidden seqs and reply quotes (message changes). */
  readonly changes: ChangesStore;
  /** Group settings (description, admin-only sending) and role changes. */
  readonly group: GroupStore;
  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(SCHEMA + KV_SCHEMA + REGION_OUTBOX_SCHEMA + TICKETS_SCHEMA + INBOX_OUTBOX_SCHEMA);
    this.kv = new SqlKv(sql);
    this.regionOutbox = new RegionOutbox(sql, this.kv);
    this.inbox = new InboxOutbox(sql, this.kv);
    this.media = new VerifiedMediaStore(sql);
    // Both write rows this class keeps in memory: each tells it which cache to drop.
    this.changes = new ChangesStore(sql, () => {
      this.lastMessageCache = undefined;
    });
    this.group = new GroupStore(sql, () => {
      this.memberCache = undefined;
    });
  }

  /** Forgets what memory holds (after a rolled-back transaction); the next read reloads it. */
  dropCache(): void {
    this.metaCache = undefined;
    this.lastSeqCache = undefined;
    this.memberCache = undefined;
    this.lastMessageCache = undefined;
    this.regionOutbox.dropCache();
    this.regionOutbox.retry.dropCache();
    this.inbox.retry.dropCache();
    this.group.dropCache();
    // Not the rate-limit buckets: they live only in memory (see userBucket), so a rollback (a
    // resend's, for one) must not hand the sender a full bucket.
  }

  // ── metadata ──
  meta(): ConversationMeta | null {
    if (this.metaCache === undefined) {
      this.metaCache = this.kv.get(META) ?? null;
    }
    return this.metaCache;
  }
  setMeta(meta: ConversationMeta): void {
    this.kv.set(META, meta);
    this.metaCache = meta;
  }
  lastSeq(): number {
    if (this.lastSeqCache === undefined) {
      const row = this.sql
        .exec<{ s: number | null }>(
          `SELECT MAX(s) AS s FROM (SELECT MAX(seq) AS s FROM messages
           UNION ALL SELECT MAX(seq) AS s FROM sends)`,
        )
        .one();
      this.lastSeqCache = Math.max(row.s ?? 0, this.kv.get(LAST_SEQ) ?? 0);
    }
    return this.lastSeqCache;
  }
  /** Memory only: the message row written in the same transaction makes it durable. */
  setLastSeq(seq: number): void {
    this.lastSeqCache = seq;
  }

  // ── members and receipts ──
  private loadMembers(): MemberCache {
    if (this.memberCache) return this.memberCache;
    const rows = this.sql
      .exec<{
        user_id: string;
        role: string;
        joined_at: number;
        delivered_up_to: number;
        read_up_to: number;
      }>(
        `SELECT user_id, role, joined_at, delivered_up_to, read_up_to FROM members
         ORDER BY joined_at, user_id`,
      )
      .toArray();
    const members = rows.map((r) => ({
      userId: r.user_id,
      role: r.role as MemberRole,
      joinedAt: r.joined_at,
    }));
    const receipts = rows.map((r) => ({
      userId: r.user_id,
      deliveredUpTo: r.delivered_up_to,
      readUpTo: r.read_up_to,
    }));
    const lastSent = new Map<UserId, number>();
    for (const r of this.sql
      .exec<{ user_id: string; seq: number }>("SELECT user_id, seq FROM last_sent")
      .toArray()) {
      lastSent.set(r.user_id, r.seq);
    }
    this.memberCache = {
      members,
      byId: new Map(members.map((m) => [m.userId, m])),
      receipts,
      receiptIndex: new Map(receipts.map((r, i) => [r.userId, i])),
      lastSent,
    };
    return this.memberCache;
  }
  /** The members in join order (shared: do not mutate). */
  members(): Member[] {
    return this.loadMembers().members;
  }
  member(userId: UserId): Member | undefined {
    return this.loadMembers().byId.get(userId);
  }
  /** Every member's watermarks in join order (a snapshot: later changes make a new array). */
  receipts(): MemberReceipt[] {
    return this.loadMembers().receipts;
  }
  receipt(userId: UserId): MemberReceipt | undefined {
    const cache = this.loadMembers();
    const i = cache.receiptIndex.get(userId);
    return i === undefined ? undefined : cache.receipts[i];
  }
  /** The seq of the user's own newest message (0 if none). */
  lastSentBy(userId: UserId): number {
    return this.loadMembers().lastSent.get(userId) ?? 0;
  }
  setLastSent(userId: UserId, seq: number): void {
    this.sql.exec("INSERT OR REPLACE INTO last_sent (user_id, seq) VALUES (?, ?)", userId, seq);
    this.memberCache?.lastSent.set(userId, seq);
  }
  insertMember(member: Member): void {
    this.sql.exec(
      "INSERT INTO members (user_id, role, joined_at) VALUES (?, ?, ?)",
      member.userId,
      member.role,
      member.joinedAt,
    );
    this.memberCache = undefined; // membership changes are rare: reload in join order
  }
  deleteMember(userId: UserId): void {
    this.sql.exec("DELETE FROM members WHERE user_id = ?", userId);
    this.memberCache = undefined;
  }
  setReceipt(receipt: MemberReceipt): void {
    this.setReceipts([receipt]);
  }
  /** Several members' watermarks at once (memory's snapshot is copied once, not per member). */
  setReceipts(receipts: readonly MemberReceipt[]): void {
    for (const receipt of receipts) {
      this.sql.exec(
        "UPDATE members SET delivered_up_to = ?, read_up_to = ? WHERE user_id = ?",
        receipt.deliveredUpTo,
        receipt.readUpTo,
        receipt.userId,
      );
    }
    const cache = this.memberCache;
    if (!cache) return;
    const next = cache.receipts.slice();
    for (const receipt of receipts) {
      const i = cache.receiptIndex.get(receipt.userId);
      if (i !== undefined) next[i] = receipt;
    }
    cache.receipts = next;
  }

  // ── messages ──
  findSend(senderId: UserId, clientMsgId: string): SendAck | null {
    const row = this.sql
      .exec<{ seq: number; message_id: string; server_ts: number }>(
        "SELECT seq, message_id, server_ts FROM sends WHERE sender_id = ? AND client_msg_id = ?",
        senderId,
        clientMsgId,
      )
      .toArray()[0];
    return row
      ? { clientMsgId, seq: row.seq, messageId: row.message_id, serverTs: row.server_ts }
      : null;
  }
  /**
   * Stores a message; returns its JSON (serialized once, reused for the region outbox and frame).
   * Throws DuplicateSend, before writing anything, when (sender, clientMsgId) is already stored.
   */
  insertMessage(message: Message): string {
    const key = this.sql.exec(
      `INSERT INTO sends (sender_id, client_msg_id, seq, message_id, server_ts) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      message.senderId,
      message.clientMsgId,
      message.seq,
      message.messageId,
      message.serverTs,
    );
    if (key.rowsWritten === 0) throw new DuplicateSend();
    const body = JSON.stringify(message);
    this.sql.exec(
      "INSERT INTO messages (seq, sender_id, client_msg_id, body) VALUES (?, ?, ?, ?)",
      message.seq,
      message.senderId,
      message.clientMsgId,
      body,
    );
    this.lastMessageCache = message;
    return body;
  }
  /** The newest message, if the window holds it (kept in memory for the inbox's view). */
  lastMessage(): Message | undefined {
    if (this.lastMessageCache === undefined) {
      const seq = this.lastSeq();
      this.lastMessageCache = seq > 0 ? (this.messagesBetween(seq, seq)[0] ?? null) : null;
    }
    return this.lastMessageCache ?? undefined;
  }
  /** Messages with fromSeq <= seq <= toSeq, ascending. */
  messagesBetween(fromSeq: number, toSeq: number): Message[] {
    return this.sql
      .exec<{ body: string }>(
        "SELECT body FROM messages WHERE seq >= ? AND seq <= ? ORDER BY seq",
        fromSeq,
        toSeq,
      )
      .toArray()
      .map((r) => JSON.parse(r.body) as Message);
  }
  /** The `limit` newest messages before `beforeSeq`, ascending. */
  messagesBefore(beforeSeq: number, limit: number): Message[] {
    return this.sql
      .exec<{ body: string }>(
        "SELECT body FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?",
        beforeSeq,
        limit,
      )
      .toArray()
      .map((r) => JSON.parse(r.body) as Message)
      .reverse();
  }
  /** Oldest seq in the window; lastSeq + 1 when the window is empty. */
  oldestSeq(): number {
    const row = this.sql.exec<{ s: number | null }>("SELECT MIN(seq) AS s FROM messages").one();
    return row.s ?? this.lastSeq() + 1;
  }
  /**
   * Keeps the newest `window` messages, but never drops one still waiting in the region outbox.
   * The idempotency keys are kept ten windows long, so a late resend still finds its ack.
   */
  trim(window: number): void {
    const cutoff = this.lastSeq() - window;
    if (cutoff <= 0) return;
    const unsent = this.regionOutbox.oldestMessageSeq();
    this.sql.exec(
      "DELETE FROM messages WHERE seq <= ? AND seq < ?",
      cutoff,
      unsent ?? Number.MAX_SAFE_INTEGER,
    );
    this.sql.exec("DELETE FROM sends WHERE seq <= ?", this.lastSeq() - 10 * window);
  }

  /** Appends to the region outbox (kept here for the send path's callers; see region-outbox.ts). */
  appendRegionOutbox(event: RegionEvent, now: number, text?: string): void {
    this.regionOutbox.append(event, now, text);
  }

  // ── tickets ──
  insertTicket(ticket: string, userId: UserId, expiresAt: number): void {
    insertTicket(this.sql, ticket, userId, expiresAt);
  }
  /** Consumes a ticket: returns its user when valid, and deletes it either way (single use). */
  consumeTicket(ticket: string, now: number): UserId | null {
    return consumeTicket(this.sql, ticket, now);
  }

  // ── rate-limit buckets per user ──
  // Read on every send, so kept in memory only (one small entry per member who sent since the
  // object woke up), not written to SQLite on every send. An object is evicted only after seconds
  // without events, longer than a bucket takes to refill (40 at 20/s by default: 2 s), so a
  // stored bucket would be full again by the time it was read back. A restart (a deploy) resets
  // them; the global per-user limiter (frame-gate.ts) still bounds the user then, across objects.
  userBucket(userId: UserId): Bucket | undefined {
    return this.buckets.get(userId);
  }
  setUserBucket(userId: UserId, bucket: Bucket): void {
    this.buckets.set(userId, bucket);
  }
}
