// Which members' InboxDOs a ConversationDO tells what, at one coalescing tick. A message costs the
// conversation nothing per member: it only makes the conversation "dirty"; at most once per tick the
// DO compares each member's current view (newest message, their read watermark raised to their own
// newest message) with what it last told that member's inbox, and sends one update to each inbox
// that is behind. Members watching the conversation on a live socket already see every message, so
// their inbox is refreshed at a slower cadence, a few of them a tick (and as soon as their socket
// closes). A small group's typists ride along: an inbox is also behind when who is typing changed,
// or when someone is still typing and it was last told longer than typingResendMs ago (its devices
// expire a typist who is not refreshed, as they do for a direct chat's relayed frames). Pure.
import { type InboxUpdate, readPosition, type UserId } from "@edge-chat/protocol";
import { type ConversationView, memberUpdate } from "../../inbox/domain/snapshot.ts";

/** What the DO last told one member's InboxDO (memory only; lost on eviction, then resent). */
export interface SentMark {
  lastSeq: number;
  readUpTo: number;
  at: number;
  /** The typists it was told (typingKey), and when; absent when none were. */
  typing?: string;
  typingAt?: number;
}

/** Who is typing as one comparable string ("" for nobody or not carried). */
export function typingKey(update: Pick<InboxUpdate, "typing">): string {
  return update.typing?.join("\n") ?? "";
}

export interface PlanInput {
  view: ConversationView;
  /** Current members with their read watermark and the seq of their own newest message. */
  members: readonly { userId: UserId; readUpTo: number; lastOwnSeq: number }[];
  /** Pending targeted updates (joins, removals, reads), at most one per user. */
  targeted: ReadonlyMap<UserId, InboxUpdate>;
  sent: ReadonlyMap<UserId, SentMark>;
  /** Users with a caught-up socket on this conversation right now. */
  live: (userId: UserId) => boolean;
  now: number;
  liveRefreshMs: number;
  /** How often an inbox hears again that someone is still typing. */
  typingResendMs: number;
  /**
   * Set after a wake-up (eviction, hibernation) when every member's inbox is known to have been
   * told of the conversation before it (the durable flushed seq): a live watcher the DO has no
   * mark for counts as told at this time, so waking a big group does not tell every watcher's
   * inbox at once (1,024 RPCs in the thread that must fan the next message out); they are
   * refreshed one LIVE_REFRESH after the wake-up, as they would have been.
   */
  toldBefore?: number;
  /** Most updates in one tick (the rest stay due). */
  max: number;
  /**
   * Most live watchers refreshed in one tick; the rest of those due wait for `nextTickAt`. Watchers
   * fall due together (all told when a wave of sockets closed, or at a wake-up), and a 1,024-member
   * group's refreshes in one go held the thread that fans the next message out for ~0.7 s every
   * 30 s; a budget of twice the group's steady rate spreads them, so they stay spread.
   */
  maxLiveRefreshes: number;
  /** When the next tick can run: a watcher deferred by the budget is due then. */
  nextTickAt: number;
}

export interface Plan {
  updates: InboxUpdate[];
  /** More updates are due right away (the tick hit `max`). */
  more: boolean;
  /** When the earliest deferred live member falls due; undefined if none was deferred. */
  liveDueAt: number | undefined;
}

/** Merges a targeted update into the member's current view: the newest body, the highest watermark. */
function merge(current: InboxUpdate, targeted: InboxUpdate | undefined): InboxUpdate {
  if (!targeted) return current;
  const newer = targeted.lastSeq > current.lastSeq ? targeted : current;
  return { ...newer, readUpTo: Math.max(current.readUpTo, targeted.readUpTo) };
}

/** The member's read position as their update carries it (memberUpdate), without building it. */
function updateReadUpTo(view: ConversationView, m: PlanInput["members"][number]): number {
  const own = readPosition(m.readUpTo, m.lastOwnSeq);
  return view.last?.senderId === m.userId ? readPosition(own, view.last.seq) : own;
}

/** typingKey of the member's update (memberUpdate), without building it. */
function updateTypingKey(view: ConversationView, userId: UserId): string {
  return view.typists ? view.typists.filter((typist) => typist !== userId).join("\n") : "";
}

// A tick walks every member, so the walk allocates nothing for a member whose inbox is up to date
// or who is a watcher not yet due (at 1,024 members, building each one's update every tick held
// the thread that fans the next message out); an update is built only for an inbox it is sent to.
export function planInboxUpdates(input: PlanInput): Plan {
  const { view, sent, now } = input;
  const updates: InboxUpdate[] = [];
  let liveDueAt: number | undefined;
  let more = false;
  const push = (update: InboxUpdate): boolean => {
    if (updates.length >= input.max) {
      more = true;
      return false;
    }
    updates.push(update);
    return true;
  };
  let liveRefreshes = 0;
  for (const m of input.members) {
    const targeted = input.targeted.get(m.userId);
    const mark = sent.get(m.userId);
    if (!targeted && mark) {
      const typing = updateTypingKey(view, m.userId);
      const typingDue =
        typing !== (mark.typing ?? "") ||
        (typing !== "" && now >= (mark.typingAt ?? 0) + input.typingResendMs);
      if (mark.lastSeq >= view.lastSeq && mark.readUpTo >= updateReadUpTo(view, m) && !typingDue) {
        continue; // the inbox already has this
      }
    }
    const toldAt = mark ? mark.at : input.toldBefore;
    const refresh = !targeted && toldAt !== undefined && input.live(m.userId);
    if (refresh) {
      const due =
        now < toldAt + input.liveRefreshMs
          ? toldAt + input.liveRefreshMs
          : liveRefreshes < input.maxLiveRefreshes
            ? undefined
            : input.nextTickAt;
      if (due !== undefined) {
        liveDueAt = liveDueAt === undefined ? due : Math.min(liveDueAt, due);
        continue;
      }
    }
    const update = merge(
      memberUpdate(view, m.userId, true, readPosition(m.readUpTo, m.lastOwnSeq)),
      targeted,
    );
    if (!push(update)) break;
    if (refresh) liveRefreshes++;
  }
  // Targeted updates for users who are no longer members (their row leaves their list).
  if (input.targeted.size > 0 && !more) {
    const members = new Set(input.members.map((m) => m.userId));
    for (const [userId, update] of input.targeted) {
      if (!members.has(userId) && !push(update)) break;
    }
  }
  return { updates, more, liveDueAt };
}
