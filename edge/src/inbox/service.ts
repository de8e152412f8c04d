// The inbox's use cases over its store: merge an update from a ConversationDO (and decide whether a
// push is due), list the conversations, presence and its privacy rule, tickets. Each runs in one
// storage transaction and returns what the DO must tell sockets. A decided push is written to the
// push outbox in the transaction that decides it (the DO's alarm sends it). No sockets here.
import {
  type ConversationId,
  directConversationId,
  directMembers,
  type InboxEntry,
  type InboxUpdate,
  type Presence,
  type PushNotification,
  type UserId,
  unreadCount,
} from "@edge-chat/protocol";
import { newTicket } from "../auth/tickets.ts";
import type { Config } from "../config.ts";
import { type InboxRow, listOf, mergeUpdate, toEntry } from "./domain/entries.ts";
import { decidePush } from "./domain/push.ts";
import type { PushOutbox } from "./push-outbox.ts";
import type { InboxStore } from "./store.ts";

export interface ApplyResult {
  /** What devices should hear: the changed row, or that it was removed; null if nothing changed. */
  change:
    | { kind: "update"; entry: InboxEntry }
    | { kind: "removed"; conversationId: ConversationId }
    | null;
  push: PushNotification | null;
  /**
   * How far the row on the user's connected devices now reaches: every connected device has the
   * row up to its lastSeq (through the broadcast of this change, or the list it was welcomed with).
   * 0 when no device is connected or the user is no longer a member.
   */
  deliveredUpTo: number;
}

export class InboxService {
  private readonly store: InboxStore;
  private readonly pushes: PushOutbox;
  private readonly transaction: <T>(fn: () => T) => T;
  private readonly config: Config;
  private readonly now: () => number;

  constructor(
    store: InboxStore,
    pushes: PushOutbox,
    transaction: <T>(fn: () => T) => T,
    config: Config,
    now: () => number,
  ) {
    this.store = store;
    this.pushes = pushes;
    this.transaction = transaction;
    this.config = config;
    this.now = now;
  }

  /** The user this inbox belongs to (learned from the first call naming them). */
  owner(): UserId | undefined {
    return this.store.kvGet<UserId>("owner");
  }
  private claim(userId: UserId): void {
    if (this.owner() !== userId) this.store.kvSet("owner", userId);
  }

  apply(update: InboxUpdate, online: boolean): ApplyResult {
    return this.transaction(() => {
      this.claim(update.userId);
      const stored = this.store.row(update.conversationId);
      const merge = mergeUpdate(stored, update);
      const deliveredUpTo = online && merge.row.member ? merge.row.lastSeq : 0;
      if (!merge.changed) return { change: null, push: null, deliveredUpTo };
      this.store.putRow(merge.row);
      const change: ApplyResult["change"] = merge.row.member
        ? { kind: "update", entry: toEntry(merge.row) }
        : stored?.member === false
          ? null
          : { kind: "removed", conversationId: merge.row.conversationId };
      const push = merge.newMessages > 0 ? this.decide(update.userId, merge.row, online) : null;
      return { change, push, deliveredUpTo };
    });
  }

  /** Collapsed pushes whose window has passed (from the alarm); they go to the push outbox. */
  duePushes(online: boolean): PushNotification[] {
    const owner = this.owner();
    if (!owner) return [];
    return this.transaction(() => {
      const due: PushNotification[] = [];
      for (const conversationId of this.store.duePushes(this.now())) {
        const row = this.store.row(conversationId);
        const state = this.store.pushState(conversationId);
        // Whatever happens now, this wake-up is consumed; decide() sets a new one if needed.
        this.store.setPushState(conversationId, state, undefined);
        const push = row ? this.decide(owner, row, online) : null;
        if (push) due.push(push);
      }
      return due;
    });
  }

  /** When the alarm is next needed: a collapse window ends, or a queued push is due. */
  nextPushDue(): number | undefined {
    const times = [this.store.nextPushDue(), this.pushes.nextDue()].filter(
      (t): t is number => t !== undefined,
    );
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** Runs the pure push rule, records its outcome and queues the push; call inside a transaction. */
  private decide(owner: UserId, row: InboxRow, online: boolean): PushNotification | null {
    const now = this.now();
    const state = this.store.pushState(row.conversationId);
    const decision = decidePush({
      owner,
      row,
      state,
      online,
      now,
      collapseMs: this.config.push.collapseMs,
    });
    if (decision.kind === "later") this.store.setPushState(row.conversationId, state, decision.at);
    if (decision.kind !== "send") return null;
    this.store.setPushState(row.conversationId, decision.state, undefined);
    this.store.kvSet("pushes", (this.store.kvGet<number>("pushes") ?? 0) + 1);
    const push: PushNotification = {
      userId: owner,
      conversationId: row.conversationId,
      kind: row.kind,
      count: decision.count,
      lastSeq: row.lastSeq,
      unread: unreadCount(row.lastSeq, row.readUpTo),
      at: now,
    };
    if (row.name !== undefined) push.name = row.name;
    if (row.lastSenderId !== undefined) push.lastSenderId = row.lastSenderId;
    if (row.lastMessageKind !== undefined) push.lastMessageKind = row.lastMessageKind;
    if (row.preview !== undefined) push.preview = row.preview;
    if (decision.mentioned) push.mentioned = true;
    this.pushes.put(crypto.randomUUID(), push, now);
    return push;
  }

  list(userId: UserId): InboxEntry[] {
    this.claim(userId);
    return listOf(this.store.memberRows());
  }

  /** The peers of the user's direct conversations (who may see their presence). */
  directPeers(owner: UserId): UserId[] {
    return this.store.directConversationIds().flatMap((id) => {
      const pair = directMembers(id);
      if (!pair) return [];
      const [a, b] = pair;
      return a === owner ? [b] : b === owner ? [a] : [];
    });
  }

  /** The owner's presence for `viewer`, or null unless they share a direct conversation. */
  presenceFor(owner: UserId, viewer: UserId, online: boolean): Presence | null {
    if (owner === viewer) return null;
    const row = this.store.row(directConversationId(owner, viewer));
    if (!row?.member) return null;
    return this.presence(owner, online);
  }

  presence(owner: UserId, online: boolean): Presence {
    const presence: Presence = { userId: owner, online };
    const lastSeenAt = this.store.kvGet<number>("lastSeenAt");
    if (!online && lastSeenAt !== undefined) presence.lastSeenAt = lastSeenAt;
    return presence;
  }

  /** The last device disconnected: remember when. */
  wentOffline(): void {
    this.store.kvSet("lastSeenAt", this.now());
  }

  pushesDecided(): number {
    return this.store.kvGet<number>("pushes") ?? 0;
  }

  /** Decided pushes not yet confirmed by the push sender. */
  pushesPending(): number {
    return this.pushes.count();
  }

  issueTicket(userId: UserId): { ticket: string; expiresAt: number } {
    this.claim(userId);
    // The user id prefix tells the Worker which InboxDO holds the ticket.
    const ticket = `${userId}.${newTicket()}`;
    const expiresAt = this.now() + this.config.ticketTtlMs;
    this.store.insertTicket(ticket, userId, expiresAt);
    return { ticket, expiresAt };
  }

  consumeTicket(ticket: string): UserId | null {
    return this.store.consumeTicket(ticket, this.now());
  }
}
