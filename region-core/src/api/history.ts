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
import type { HistoryRange, Repositories } from "../repositories/ports.ts";
import { latestState } from "../repositories/change-state.ts";

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
  const page = await repositories.messages.page(conversationId, range);
  // Messages in their latest state: edits, deletions and reactions folded in (change-state.ts).
  page.messages = await latestState(repositories.messageChanges, conversationId, page.messages);
  return page;
}
