// GET /v1/history/:conversationId?userId=&before=&after=&limit=: a page of stored messages in
// ascending seq order, for the edge's sync gaps and history scrolling. A non-member gets the same
// 404 as a nonexistent conversation, so membership cannot be probed.
import {
  ChatError,
  ConversationId,
  parseWith,
  type RegionHistoryPage,
  RegionHistoryQuery,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { latestState, withState } from "../repositories/change-state.ts";
import type { ChangeState, HistoryRange, Repositories } from "../repositories/ports.ts";

export function historyRoutes(deps: { repositories: Repositories }): Hono {
  const app = new Hono();
  app.get("/:conversationId", async (c) => {
    const conversationId = parseWith(ConversationId, c.req.param("conversationId"));
    const query = parseWith(RegionHistoryQuery, c.req.query());
    const empty =
      query.after !== undefined && query.before !== undefined && query.before <= query.after + 1;
    // The membership check and the page are read together (one round trip of latency, not two);
    // nothing of the page is sent unless the caller is a member, so a non-member learns nothing.
    // A failed page read is reported only to a member, so even errors say nothing to others.
    const [member, page] = await Promise.allSettled([
      deps.repositories.members.get(conversationId, query.userId),
      empty ? { messages: [], hasMore: false } : readPage(deps.repositories, conversationId, query),
    ]);
    if (member.status === "rejected") throw member.reason;
    if (!member.value) throw new ChatError("not_found", "no such conversation");
    if (page.status === "rejected") throw page.reason;
    return c.json(page.value satisfies RegionHistoryPage);
  });
  return app;
}

async function readPage(
  repositories: Repositories,
  conversationId: ConversationId,
  query: RegionHistoryQuery,
): Promise<RegionHistoryPage> {
  const range: HistoryRange = { limit: query.limit };
  if (query.after !== undefined) range.after = query.after;
  if (query.before !== undefined) range.before = query.before;
  if (range.after === undefined && range.before === undefined) {
    const state = await repositories.receipts.memberState(conversationId, query.userId);
    if (state) range.latestSeqHint = state.lastMessageSeq;
  }
  const expected = expectedSeqs(range);
  if (!expected) {
    const page = await repositories.messages.page(conversationId, range);
    // Messages in their latest state: edits, deletions and reactions folded in (change-state.ts).
    page.messages = await latestState(repositories.messageChanges, conversationId, page.messages);
    return page;
  }
  // The page's seqs are known before it is read (seq is gapless), so its change states are read
  // beside it rather than after it: one round trip of latency instead of two. A seq outside the
  // expected range (a gap) still gets its state, in a second read.
  const [page, states] = await Promise.all([
    repositories.messages.page(conversationId, range),
    repositories.messageChanges.states(conversationId, seqsFrom(expected)),
  ]);
  const outside = page.messages
    .map((m) => m.seq)
    .filter((seq) => seq < expected.min || seq > expected.max);
  const late: Map<number, ChangeState> =
    outside.length > 0
      ? await repositories.messageChanges.states(conversationId, outside)
      : new Map();
  page.messages = page.messages.map((m) => withState(m, states.get(m.seq) ?? late.get(m.seq)));
  return page;
}

/**
 * The seqs a page of a `before`/`after` range holds when no seq is missing: the newest `limit`
 * below `before`, or the oldest `limit` above `after` (below `before` when both are given). Null for
 * "the latest page", whose end is known only once read, and for an empty range.
 */
export function expectedSeqs(range: HistoryRange): { min: number; max: number } | null {
  if (range.after !== undefined) {
    const max =
      range.before !== undefined
        ? Math.min(range.before - 1, range.after + range.limit)
        : range.after + range.limit;
    const min = range.after + 1;
    return max >= min ? { min, max } : null;
  }
  if (range.before !== undefined) {
    const max = range.before - 1;
    const min = Math.max(1, range.before - range.limit);
    return max >= min ? { min, max } : null;
  }
  return null;
}

function seqsFrom({ min, max }: { min: number; max: number }): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}
