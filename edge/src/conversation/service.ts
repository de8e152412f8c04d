// The conversation's use cases over its store: each runs the pure rules (domain/) and writes the
// result, its region outbox events and its system message in ONE storage transaction, then returns
// what the caller must tell sockets. No sockets or HTTP here.
import {
  ChatError,
  type Conversation,
  type ConversationId,
  directMembers,
  type HistoryPage,
  type HistoryQuery,
  LIMITS,
  type Member,
  type MemberReceipt,
  type MemberRole,
  type Message,
  type SendAck,
  type SendRequest,
  type SystemEvent,
  type UserId,
  type VerifiedMedia,
} from "@edge-chat/protocol";
import { newTicket } from "../auth/tickets.ts";
import { type ConversationView, memberUpdate } from "../inbox/domain/snapshot.ts";
import type { Config } from "../config.ts";
import {
  addMember,
  type ConversationMeta,
  createGroup,
  directInit,
  notFound,
  removeMember,
} from "./domain/membership.ts";
import { verifyMediaMessage } from "./domain/media.ts";
import { advance, type ReceiptKind, type StatusChange, statusChanges } from "./domain/receipts.ts";
import { planSync } from "./domain/sync.ts";
import { checkNotBlocked, checkSendPolicy } from "./domain/group-admin.ts";
import { type Bucket, takeAll } from "./domain/token-bucket.ts";
import { type Clock, Journal } from "./journal.ts";
import { type ConversationStore, DuplicateSend } from "./store.ts";

const rateLimited = (retryAfterMs: number) =>
  new ChatError("rate_limited", "too many messages", { retryAfterMs });

/** `throw` as an expression (a refusal after the resend check). */
function throwError(error: Error): never {
  throw error;
}

export type SyncResult =
  | { kind: "gap"; afterSeq: number; oldestSeq: number }
  | { kind: "batch"; messages: Message[]; toSeq: number; more: boolean };

export class ConversationService {
  private readonly store: ConversationStore;
  private readonly transaction: <T>(fn: () => T) => T;
  private readonly config: Config;
  private readonly clock: Clock;
  /** Tells the inbox notifier that some member's inbox view changed (it coalesces per tick). */
  private readonly inboxChanged: () => void;
  /** Where every seq is assigned (messages here, changes in changes-service.ts). */
  readonly journal: Journal;

  constructor(
    store: ConversationStore,
    transaction: <T>(fn: () => T) => T,
    config: Config,
    clock: Clock,
    inboxChanged: () => void = () => {},
  ) {
    this.store = store;
    this.transaction = transaction;
    this.config = config;
    this.clock = clock;
    this.inboxChanged = inboxChanged;
    this.journal = new Journal(store, config, clock, inboxChanged);
  }

  /** The metadata, initialising a direct conversation lazily on first use; null if none exists. */
  meta(conversationId: ConversationId): ConversationMeta | null {
    const existing = this.store.meta();
    if (existing) return existing;
    const init = directInit(conversationId, this.clock.now());
    if (!init) return null;
    return this.transaction(() => {
      this.store.setMeta(init.meta);
      for (const m of init.members) this.store.insertMember(m);
      this.recordMembership(init.meta, [], 0);
      // Two rows, once: both people see the (empty) conversation in their list.
      const view = this.view(init.meta, undefined);
      for (const m of init.members) {
        this.store.inbox.put(memberUpdate(view, m.userId, true, 0), this.clock.now());
      }
      this.inboxChanged();
      return init.meta;
    });
  }

  /** The caller's membership, or not_found for non-members and unknown conversations alike. */
  access(conversationId: ConversationId, userId: UserId): { meta: ConversationMeta; me: Member } {
    // An outsider never causes a direct conversation to be initialised.
    const pair = directMembers(conversationId);
    if (pair && !pair.includes(userId)) throw notFound();
    const meta = this.meta(conversationId);
    if (!meta) throw notFound();
    // O(1): the member list lives in memory (see ConversationStore).
    const me = this.store.member(userId);
    if (!me) throw notFound();
    return { meta, me };
  }

  members(): Member[] {
    return this.store.members();
  }
  lastSeq(): number {
    return this.store.lastSeq();
  }

  conversation(conversationId: ConversationId, userId: UserId): Conversation {
    const { meta } = this.access(conversationId, userId);
    return this.describe(meta);
  }

  private describe(meta: ConversationMeta): Conversation {
    const conversation: Conversation = {
      conversationId: meta.conversationId,
      kind: meta.kind,
      members: this.store.members(),
      createdAt: meta.createdAt,
      lastSeq: this.store.lastSeq(),
    };
    if (meta.name !== undefined) conversation.name = meta.name;
    return conversation;
  }

  // ── membership ──

  createGroup(
    conversationId: ConversationId,
    creator: UserId,
    request: { name: string; memberIds: UserId[] },
  ): { conversation: Conversation; message: Message } {
    if (this.store.meta()) throw new ChatError("conflict", "conversation already exists");
    const group = createGroup(conversationId, creator, request, this.clock.now());
    const message = this.transaction(() => {
      this.store.setMeta(group.meta);
      for (const m of group.members) this.store.insertMember(m);
      const message = this.journal.appendMessage(creator, undefined, {
        kind: "system",
        system: group.event,
      });
      this.recordMembership(group.meta, [], message.seq);
      return message;
    });
    return { conversation: this.describe(group.meta), message };
  }

  addMember(
    conversationId: ConversationId,
    actor: UserId,
    userId: UserId,
    role: MemberRole,
  ): { conversation: Conversation; message: Message } {
    const { meta } = this.access(conversationId, actor);
    const change = addMember(meta, this.store.members(), actor, userId, role, this.clock.now());
    return this.admit(meta, actor, change.member, change.event);
  }

  /**
   * Writes a new member with the system message that records it (added by an admin, or joined by
   * an invite: `actor` is who the message is from), in one transaction with `alsoInTransaction`.
   */
  admit(
    meta: ConversationMeta,
    actor: UserId,
    member: Member,
    event: SystemEvent,
    alsoInTransaction?: () => void,
  ): { conversation: Conversation; message: Message } {
    const message = this.transaction(() => {
      alsoInTransaction?.();
      this.store.insertMember(member);
      const message = this.journal.appendMessage(actor, undefined, {
        kind: "system",
        system: event,
      });
      this.recordMembership(meta, [], message.seq);
      // A newcomer's list counts only what happened since they joined: the join itself.
      this.store.inbox.put(
        memberUpdate(this.view(meta, message), member.userId, true, message.seq - 1),
        this.clock.now(),
      );
      this.inboxChanged();
      return message;
    });
    return { conversation: this.describe(meta), message };
  }

  removeMember(
    conversationId: ConversationId,
    actor: UserId,
    userId: UserId,
  ): { conversation: Conversation; message: Message; removed: UserId } {
    const { meta } = this.access(conversationId, actor);
    const change = removeMember(meta, this.store.members(), actor, userId);
    const message = this.transaction(() => {
      this.store.deleteMember(userId);
      const message = this.journal.appendMessage(actor, undefined, {
        kind: "system",
        system: change.event,
      });
      this.recordMembership(meta, [userId], message.seq);
      // The removed member's row leaves their list (the others heard of it in journal.ts).
      this.store.inbox.put(
        memberUpdate(this.view(meta, message), userId, false, 0),
        this.clock.now(),
      );
      this.inboxChanged();
      return message;
    });
    return { conversation: this.describe(meta), message, removed: userId };
  }

  /** The membership snapshot for the region; call inside a transaction. */
  recordMembership(meta: ConversationMeta, removed: UserId[], asOfSeq: number): void {
    const event: Parameters<ConversationStore["appendRegionOutbox"]>[0] = {
      type: "membership",
      conversationId: meta.conversationId,
      kind: meta.kind,
      createdAt: meta.createdAt,
      members: this.store.members(),
      removed,
      asOfSeq,
    };
    if (meta.name !== undefined) event.name = meta.name;
    this.store.appendRegionOutbox(event, this.clock.now());
  }

  // ── messages ──

  /**
   * Rate-limits one send for `userId` across all their sockets and HTTP calls, and for one
   * connection when `connection` is given; returns the connection's new bucket.
   */
  rateLimit(userId: UserId, connection?: { bucket: Bucket | undefined }): Bucket | undefined {
    const result = this.takeRate(userId, connection);
    if (!result.ok) throw rateLimited(result.retryAfterMs);
    this.store.setUserBucket(userId, result.buckets[0]!);
    return result.buckets[1];
  }

  /** What the user's (and the connection's) buckets would be after one more send; stores nothing. */
  private takeRate(userId: UserId, connection?: { bucket: Bucket | undefined }) {
    const entries = [{ bucket: this.store.userBucket(userId), policy: this.config.rate.user }];
    if (connection)
      entries.push({ bucket: connection.bucket, policy: this.config.rate.connection });
    return takeAll(entries, this.clock.now());
  }

  /**
   * Stores a message durably (before any ack) and returns its ack; a resend of the same
   * (sender, clientMsgId) returns the original ack and `message: null`.
   */
  send(
    conversationId: ConversationId,
    senderId: UserId,
    request: SendRequest,
    connection?: { bucket: Bucket | undefined },
  ): {
    ack: SendAck;
    message: Message | null;
    /** The message's JSON, made once for storage, region outbox and every socket's frame. */
    body?: string;
    connectionBucket?: Bucket | undefined;
  } {
    const { meta, me } = this.access(conversationId, senderId);
    checkSendPolicy(meta, this.store.group.settings(), me);
    checkNotBlocked(meta, this.store.group.blockedBy());
    const content = verifyMediaMessage(
      conversationId,
      senderId,
      request.content,
      this.store.media,
      {
        now: this.clock.now(),
        maxAgeMs: this.config.media.verifiedMaxAgeMs,
      },
    );
    // A resend is answered from the unique (sender, clientMsgId) key, without spending budget and
    // before any refusal. A first send does not look the key up: the append's own insert finds a
    // resend (DuplicateSend rolls it back), and only a refusal looks first (both are rare).
    const resend = () => {
      const original = this.store.findSend(senderId, request.clientMsgId);
      return original ? { ack: original, message: null } : undefined;
    };
    const rate = this.takeRate(senderId, connection);
    if (!rate.ok) {
      return resend() ?? throwError(rateLimited(rate.retryAfterMs));
    }
    if (request.replyToSeq !== undefined && request.replyToSeq > this.store.lastSeq()) {
      return (
        resend() ??
        throwError(new ChatError("invalid_request", "replyToSeq is beyond the newest message"))
      );
    }
    let body = "";
    let message: Message;
    try {
      message = this.transaction(() =>
        this.journal.appendMessage(
          senderId,
          request.clientMsgId,
          content,
          request.replyToSeq,
          (text) => {
            body = text;
          },
        ),
      );
    } catch (error) {
      const original = error instanceof DuplicateSend ? resend() : undefined;
      if (original) return original;
      throw error;
    }
    this.store.setUserBucket(senderId, rate.buckets[0]!);
    const connectionBucket = rate.buckets[1];
    return {
      body,
      ack: {
        clientMsgId: message.clientMsgId,
        seq: message.seq,
        messageId: message.messageId,
        serverTs: message.serverTs,
      },
      message,
      connectionBucket,
    };
  }

  /** Records media a region verified for `userId`: the send path accepts only such media. */
  recordVerifiedMedia(userId: UserId, media: VerifiedMedia): void {
    this.store.media.put(userId, media, this.clock.now());
  }

  // ── inbox views (coalesced and delivered to each member's InboxDO by inbox-notifier.ts) ──

  /** The conversation as every member's inbox should show it now; null before it exists. */
  inboxView(): ConversationView | null {
    const meta = this.store.meta();
    return meta ? this.view(meta, this.store.lastMessage()) : null;
  }

  /** Each member's read watermark and own newest message (what their unread count derives from). */
  inboxMembers(): { userId: UserId; readUpTo: number; lastOwnSeq: number }[] {
    return this.store.receipts().map((r) => ({
      userId: r.userId,
      readUpTo: r.readUpTo,
      lastOwnSeq: this.store.lastSentBy(r.userId),
    }));
  }

  private view(meta: ConversationMeta, last: Message | undefined): ConversationView {
    return {
      conversationId: meta.conversationId,
      kind: meta.kind,
      name: meta.name,
      createdAt: meta.createdAt,
      lastSeq: this.store.lastSeq(),
      last,
    };
  }

  history(conversationId: ConversationId, userId: UserId, query: HistoryQuery): HistoryPage {
    this.access(conversationId, userId);
    const lastSeq = this.store.lastSeq();
    const oldest = this.store.oldestSeq();
    if (query.after !== undefined) {
      const plan = planSync({
        afterSeq: query.after,
        limit: query.limit,
        oldestSeq: oldest,
        lastSeq,
      });
      if (plan.kind === "gap") {
        return { messages: [], hasMore: true, olderInRegion: { beforeSeq: oldest } };
      }
      return {
        messages: this.store.messagesBetween(plan.fromSeq, plan.toSeq),
        hasMore: plan.more,
      };
    }
    const before = Math.min(query.before ?? lastSeq + 1, lastSeq + 1);
    const messages = this.store.messagesBefore(before, query.limit);
    const firstSeq = messages[0]?.seq ?? before;
    const page: HistoryPage = { messages, hasMore: firstSeq > 1 };
    // The window ends before the page does: the rest lives in the region's history.
    if (firstSeq > 1 && messages.length < query.limit) page.olderInRegion = { beforeSeq: firstSeq };
    return page;
  }

  sync(afterSeq: number, limit: number = LIMITS.maxPageSize): SyncResult {
    const lastSeq = this.store.lastSeq();
    const plan = planSync({ afterSeq, limit, oldestSeq: this.store.oldestSeq(), lastSeq });
    if (plan.kind === "gap") return { kind: "gap", afterSeq, oldestSeq: plan.oldestSeq };
    return {
      kind: "batch",
      messages: this.store.messagesBetween(plan.fromSeq, plan.toSeq),
      toSeq: plan.toSeq,
      more: plan.more,
    };
  }

  // ── receipts ──

  watermark(
    conversationId: ConversationId,
    userId: UserId,
    kind: ReceiptKind,
    upToSeq: number,
  ): StatusChange[] {
    this.access(conversationId, userId);
    const before = this.store.receipts();
    const mine = this.store.receipt(userId)!;
    const next = advance(mine, kind, upToSeq, this.store.lastSeq());
    if (!next) return [];
    const after = before.map((r) => (r.userId === userId ? next : r));
    this.transaction(() => {
      this.store.setReceipt(next);
      this.store.appendRegionOutbox(
        { type: "receipt", conversationId, ...next, at: this.clock.now() },
        this.clock.now(),
      );
      if (kind === "read") {
        const view = this.view(this.store.meta()!, this.store.lastMessage());
        this.store.inbox.put(memberUpdate(view, userId, true, next.readUpTo), this.clock.now());
      }
    });
    if (kind === "read") this.inboxChanged();
    return statusChanges(before, after);
  }

  /**
   * Many members' `delivered` watermarks at once (coalesced by receipt-batcher.ts): one
   * transaction, one region outbox event per member that moved, and the status changes computed
   * once. Members no longer in the group are ignored.
   */
  deliveredBatch(
    conversationId: ConversationId,
    upTo: ReadonlyMap<UserId, number>,
  ): StatusChange[] {
    const lastSeq = this.store.lastSeq();
    const moved: MemberReceipt[] = [];
    for (const [userId, seq] of upTo) {
      const mine = this.store.receipt(userId);
      const next = mine ? advance(mine, "delivered", seq, lastSeq) : null;
      if (next) moved.push(next);
    }
    if (moved.length === 0) return [];
    const before = this.store.receipts();
    const at = this.clock.now();
    this.transaction(() => {
      this.store.setReceipts(moved);
      for (const next of moved) {
        this.store.appendRegionOutbox({ type: "receipt", conversationId, ...next, at }, at);
      }
    });
    return statusChanges(before, this.store.receipts(), (userId) => this.store.lastSentBy(userId));
  }

  /** Each member's watermarks, and whether they cover `seq`. */
  info(
    conversationId: ConversationId,
    userId: UserId,
    seq: number,
  ): (MemberReceipt & { delivered: boolean; read: boolean })[] {
    this.access(conversationId, userId);
    if (seq > this.store.lastSeq()) throw new ChatError("not_found", "no such message");
    return this.store.receipts().map((r) => ({
      ...r,
      delivered: r.deliveredUpTo >= seq,
      read: r.readUpTo >= seq,
    }));
  }

  /** A member's own status watermarks (for the frames sent on connect). */
  receipts(): MemberReceipt[] {
    return this.store.receipts();
  }

  // ── tickets ──

  issueTicket(
    conversationId: ConversationId,
    userId: UserId,
  ): { ticket: string; expiresAt: number } {
    this.access(conversationId, userId);
    const ticket = newTicket();
    const expiresAt = this.clock.now() + this.config.ticketTtlMs;
    this.store.insertTicket(ticket, userId, expiresAt);
    return { ticket, expiresAt };
  }

  consumeTicket(ticket: string): UserId {
    const userId = this.store.consumeTicket(ticket, this.clock.now());
    if (!userId) throw new ChatError("unauthenticated", "invalid, expired or used ticket");
    return userId;
  }
}
