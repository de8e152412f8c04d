// Tells the members' InboxDOs about a conversation's changes, coalesced: a message only marks the
// conversation dirty (O(1), no per-member row, no I/O); the alarm then runs at most one tick per
// INBOX_TICK_MS and sends each member's inbox the newest view (one RPC per inbox that is behind,
// whatever the number of messages since the last tick). Members on a live socket of this
// conversation already see every message, so their inbox is refreshed every LIVE_REFRESH_MS and
// as soon as their socket closes. Targeted changes (joins, removals, reads) are durable rows of
// the inbox outbox, written in the transaction of the change and merged into the tick.
//
// After a wake-up the DO no longer knows what it told each inbox: members not watching are told
// again (idempotent), watchers count as told at the wake-up (if every inbox had been told of the
// conversation before), so waking a big group costs no burst of inbox RPCs.
//
// Watchers fall due together (their sockets opened or closed in one wave, or the DO woke up), so a
// tick refreshes at most liveRefreshBudget of them: a 1,024-member group's 1,024 refreshes at once
// held this thread ~0.7 s (measured in the fan-out benchmark, where every InboxDO shares it); spread
// at twice the steady rate, a tick refreshes at most ~35 and the refreshes stay spread.
//
// Staleness bound: an inbox reflects a message within INBOX_TICK_MS plus one RPC (≤ 1 s) for a
// member not watching the conversation, within 1.5 x LIVE_REFRESH_MS (45 s) for one who is.
// Deliveries are idempotent "set to at least" updates, so a retry or a resend after eviction is
// harmless; the push decision stays in the InboxDO (inbox/service.ts), on the update it receives.
//
// Delivered ticks ride the same call: each inbox answers how far the user's connected devices have
// the row (InboxUpdateAck), and the answer raises the member's delivered watermark through the
// receipt batcher. A group's grey double tick (every other member has it on a device) so costs no
// call beyond this coalesced update, and appears within the staleness bound above.
import type { EdgeMetricPoint, InboxUpdate, InboxUpdateAck, UserId } from "@edge-chat/protocol";
import type { ConversationView } from "../inbox/domain/snapshot.ts";
import { kvKey } from "../storage/kv.ts";
import { planInboxUpdates, type SentMark, typingKey } from "./domain/inbox-plan.ts";
import type { InboxOutbox } from "./inbox-outbox.ts";
import type { ConversationStore } from "./store.ts";

/** The coalescing interval: at most one round of inbox RPCs per conversation per tick. */
export const INBOX_TICK_MS = 500;
/** How often the inbox of a member watching the conversation live is brought up to date. */
export const LIVE_REFRESH_MS = 30_000;
/**
 * How often an inbox is told again that someone still types: below the SDK's 6 s expiry of a typist
 * and its 3 s refresh, so each refresh frame (which makes the conversation dirty) is passed on.
 */
export const TYPING_RESEND_MS = 2_000;
/** Most inbox RPCs in one tick (the next tick follows right away for the rest). */
const MAX_PER_TICK = 256;
/** Fewest live watchers refreshed in a tick (a small group's all at once). */
const MIN_LIVE_REFRESHES = 16;

/**
 * Live watchers refreshed per tick: twice the rate that refreshes every watcher once per
 * LIVE_REFRESH_MS, so watchers that fell due together are spread over at most half that period.
 */
export function liveRefreshBudget(watchers: number): number {
  return Math.max(MIN_LIVE_REFRESHES, Math.ceil((2 * watchers * INBOX_TICK_MS) / LIVE_REFRESH_MS));
}
/** The newest seq every member's inbox has been told of. */
export const INBOX_FLUSHED_SEQ = kvKey<number>("inbox:flushedSeq");

export interface InboxNotifierDeps {
  inboxOutbox: InboxOutbox;
  /** For the durable marks (kv): the seq every inbox has, and the retry state. */
  store: ConversationStore;
  view: () => ConversationView | null;
  members: () => { userId: UserId; readUpTo: number; lastOwnSeq: number }[];
  /** Users with a caught-up socket on this conversation now. */
  liveUsers: () => Set<UserId>;
  deliver: (update: InboxUpdate) => Promise<InboxUpdateAck>;
  /** A member's devices have everything up to `upToSeq` (from an inbox's answer; O(1)). */
  delivered: (userId: UserId, upToSeq: number) => void;
  now: () => number;
  /** Records the inbox staleness (one point per tick that delivered; never per message). */
  record?: (point: EdgeMetricPoint) => void;
}

export class InboxNotifier {
  private readonly deps: InboxNotifierDeps;
  /** What each inbox was last told (memory: after an eviction everyone is told once more). */
  private readonly sent = new Map<UserId, SentMark>();
  private dirty: boolean;
  /** When the oldest change not yet delivered was made (what inbox_staleness measures). */
  private dirtySince: number | undefined;
  private lastTickAt = 0;
  private liveDueAt: number | undefined;
  private flushedSeq: number;
  /**
   * When this instance started, if every member's inbox had been told of the conversation before
   * (flushedSeq > 0): live watchers count as told then (see planInboxUpdates' `toldBefore`).
   */
  private readonly wokeAt: number | undefined;

  constructor(deps: InboxNotifierDeps) {
    this.deps = deps;
    const { store, inboxOutbox } = deps;
    this.flushedSeq = store.kv.get(INBOX_FLUSHED_SEQ) ?? 0;
    this.wokeAt = this.flushedSeq > 0 ? deps.now() : undefined;
    // Woken after an eviction: anything not yet told to every inbox is due again.
    this.dirty = store.lastSeq() > this.flushedSeq || inboxOutbox.count() > 0;
    if (this.dirty) this.dirtySince = deps.now();
  }

  /** Some member's view changed (a message, a read, a join): due at the next tick. O(1). */
  changed(): void {
    this.dirty = true;
    this.dirtySince ??= this.deps.now();
  }

  /** When the alarm should next tick; undefined when every inbox is up to date. O(1). */
  dueAt(now: number): number | undefined {
    const dirty = this.dirty
      ? Math.max(now, this.lastTickAt + INBOX_TICK_MS, this.deps.inboxOutbox.retry.retryAt() ?? 0)
      : undefined;
    if (dirty === undefined) return this.liveDueAt;
    return this.liveDueAt === undefined ? dirty : Math.min(dirty, this.liveDueAt);
  }

  /** One tick: every inbox that is behind gets one update. */
  async tick(): Promise<{ delivered: number; failed: number }> {
    const { deps } = this;
    const now = deps.now();
    this.lastTickAt = now;
    this.dirty = false;
    this.liveDueAt = undefined;
    const since = this.dirtySince;
    this.dirtySince = undefined;
    const view = deps.view();
    if (!view) return { delivered: 0, failed: 0 };
    const pending = deps.inboxOutbox.head(MAX_PER_TICK);
    const versions = new Map(pending.map((p) => [p.update.userId, p.version]));
    const live = deps.liveUsers();
    const plan = planInboxUpdates({
      view,
      members: deps.members(),
      targeted: new Map(pending.map((p) => [p.update.userId, p.update])),
      sent: this.sent,
      live: (userId) => live.has(userId),
      now,
      liveRefreshMs: LIVE_REFRESH_MS,
      typingResendMs: TYPING_RESEND_MS,
      max: MAX_PER_TICK,
      maxLiveRefreshes: liveRefreshBudget(live.size),
      nextTickAt: now + INBOX_TICK_MS,
      ...(this.wokeAt === undefined ? {} : { toldBefore: this.wokeAt }),
    });
    let failed = 0;
    await Promise.all(
      plan.updates.map(async (update) => {
        try {
          const ack = await deps.deliver(update);
          if (ack.deliveredUpTo > 0) deps.delivered(update.userId, ack.deliveredUpTo);
          const version = versions.get(update.userId);
          if (version !== undefined) deps.inboxOutbox.delivered(update.userId, version);
          if (update.member) {
            const mark: SentMark = { lastSeq: update.lastSeq, readUpTo: update.readUpTo, at: now };
            const typing = typingKey(update);
            if (typing !== "") Object.assign(mark, { typing, typingAt: now });
            this.sent.set(update.userId, mark);
          } else this.sent.delete(update.userId);
        } catch (error) {
          failed++;
          console.warn(`inbox update for ${update.userId} failed`, String(error));
        }
      }),
    );
    if (failed > 0 || plan.more || pending.length === MAX_PER_TICK) {
      this.dirty = true;
      // What is still owed is as old as the oldest change this tick could not settle.
      if (since !== undefined) this.dirtySince = Math.min(since, this.dirtySince ?? since);
    }
    // The age of the oldest coalesced change once the inboxes have it (after the RPCs returned).
    if (since !== undefined && plan.updates.length > failed) {
      deps.record?.({ stage: "inbox_staleness", ms: Math.max(0, deps.now() - since) });
    }
    this.liveDueAt = plan.liveDueAt;
    this.recordOutcome(failed, view.lastSeq, plan.liveDueAt === undefined && !this.dirty);
    return { delivered: plan.updates.length - failed, failed };
  }

  private recordOutcome(failed: number, lastSeq: number, allTold: boolean): void {
    const { store, inboxOutbox } = this.deps;
    if (failed > 0) inboxOutbox.retry.failed(this.deps.now());
    else inboxOutbox.retry.succeeded();
    // Durable only once every inbox has the seq, so a wake-up after eviction knows nothing is owed.
    if (allTold && lastSeq > this.flushedSeq) {
      this.flushedSeq = lastSeq;
      store.kv.set(INBOX_FLUSHED_SEQ, lastSeq);
    }
  }
}
