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
    // Membership first, so no answer (not even an empty range) tells a non-member anything.
    const member = await deps.repositories.members.get(conversationId, query.userId);
    if (!member) throw new ChatError("not_found", "no such conversation");
    if (
      query.after !== undefined &&
      query.before !== undefined &&
      query.before <= query.after + 1
    ) {
      const empty: RegionHistoryPage = { messages: [], hasMore: false };
      return c.json(empty);
    }
    const range: HistoryRange = { limit: query.limit };
    if (query.after !== undefined) range.after = query.after;
    if (query.before !== undefined) range.before = query.before;
    if (range.after === undefined && range.before === undefined) {
      const row = await deps.repositories.userConversations.get(query.userId, conversationId);
      if (row) range.latestSeqHint = row.lastMessageSeq;
    }
    const page: RegionHistoryPage = await deps.repositories.messages.page(conversationId, range);
    page.messages = await latestState(
      deps.repositories.messageChanges,
      conversationId,
      page.messages,
    );
    return c.json(page);
  });
  return app;
}
