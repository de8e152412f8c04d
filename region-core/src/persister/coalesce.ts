// Pure coalescing of one conversation's consumed events into write steps. Consecutive message and
// receipt events become one step: their message rows, and one change to the conversation's state
// partition (the head once, each sender's sent watermark once, each member's newest receipt once),
// so a run of k messages costs O(1) state writes whatever the group size. A membership snapshot is
// a step of its own (it reads what it replaces), so the order around it is kept. No I/O here.
import {
  conversationOfEvent,
  type Message,
  mergeWatermarks,
  type RegionEvent,
  readImpliesDelivered,
  type UserId,
} from "@edge-chat/protocol";
import type { ConversationStateChange, ReceiptRow } from "../repositories/ports.ts";

type MembershipEvent = Extract<RegionEvent, { type: "membership" }>;
type ReceiptEvent = Extract<RegionEvent, { type: "receipt" }>;

export type Step<R> =
  | {
      kind: "writes";
      items: R[];
      conversationId: string;
      messages: Message[];
      state: ConversationStateChange;
    }
  | { kind: "membership"; items: R[]; event: MembershipEvent };

/** Events per write step: bounds the size of one step's batches and of one retry. */
export const MAX_STEP_EVENTS = 256;

export function coalesce<R>(
  items: readonly R[],
  eventOf: (item: R) => RegionEvent,
  maxStepEvents = MAX_STEP_EVENTS,
): Step<R>[] {
  const steps: Step<R>[] = [];
  let run: R[] = [];
  const flush = () => {
    if (run.length > 0) steps.push(writesStep(run, eventOf));
    run = [];
  };
  for (const item of items) {
    const event = eventOf(item);
    if (event.type === "membership") {
      flush();
      steps.push({ kind: "membership", items: [item], event });
      continue;
    }
    run.push(item);
    if (run.length >= maxStepEvents) flush();
  }
  flush();
  return steps;
}

function writesStep<R>(items: R[], eventOf: (item: R) => RegionEvent): Step<R> {
  const messages: Message[] = [];
  const receipts: ReceiptEvent[] = [];
  for (const item of items) {
    const event = eventOf(item);
    if (event.type === "message") messages.push(event.message);
    else if (event.type === "receipt") receipts.push(event);
  }
  return {
    kind: "writes",
    items,
    conversationId: conversationOfEvent(eventOf(items[0]!)),
    messages,
    state: stateChange(messages, receipts),
  };
}

/** The state partition's change for a run of messages and receipts (newest wins per cell). */
export function stateChange(
  messages: readonly Message[],
  receipts: readonly ReceiptEvent[],
): ConversationStateChange {
  const change: ConversationStateChange = {};
  const newest = maxBy(messages, (a, b) => a.seq > b.seq);
  if (newest) change.head = { lastMessageSeq: newest.seq, lastMessageAt: newest.serverTs };
  const bySender = new Map<UserId, Message>();
  for (const m of messages) {
    const seen = bySender.get(m.senderId);
    if (!seen || m.seq > seen.seq) bySender.set(m.senderId, m);
  }
  if (bySender.size > 0) {
    change.sent = [...bySender.values()].map((m) => ({
      userId: m.senderId,
      upToSeq: m.seq,
      at: m.serverTs,
    }));
  }
  const byMember = new Map<UserId, ReceiptRow>();
  for (const r of receipts) {
    const row: ReceiptRow = readImpliesDelivered({
      conversationId: r.conversationId,
      userId: r.userId,
      deliveredUpTo: r.deliveredUpTo,
      readUpTo: r.readUpTo,
      updatedAt: r.at,
    });
    const seen = byMember.get(r.userId);
    byMember.set(r.userId, seen ? newerReceipt(seen, row) : row);
  }
  if (byMember.size > 0) change.receipts = [...byMember.values()];
  return change;
}

/** What Cassandra would keep of two writes: the later one, or on a tie the greater values. */
function newerReceipt(a: ReceiptRow, b: ReceiptRow): ReceiptRow {
  if (a.updatedAt !== b.updatedAt) return b.updatedAt > a.updatedAt ? b : a;
  return { ...a, ...mergeWatermarks(a, b) };
}

function maxBy<T>(items: readonly T[], greater: (a: T, b: T) => boolean): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || greater(item, best)) best = item;
  return best;
}
