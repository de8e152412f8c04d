// GET /v1/users/:userId/conversations: a user's conversation list, most recently active first,
// with unread counts (last message seq − the member's read watermark).
import {
  parseWith,
  type RegionConversationList,
  type RegionConversationSummary,
  UserId,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { unreadCount } from "../persister/merge.ts";
import type { Repositories } from "../repositories/ports.ts";

export function conversationRoutes(deps: { repositories: Repositories }): Hono {
  const app = new Hono();
  app.get("/:userId/conversations", async (c) => {
    const userId = parseWith(UserId, c.req.param("userId"));
    const rows = await deps.repositories.userConversations.list(userId);
    const summaries = await Promise.all(
      rows.map(async (row): Promise<RegionConversationSummary> => {
        const meta = await deps.repositories.conversations.get(row.conversationId);
        const summary: RegionConversationSummary = {
          conversationId: row.conversationId,
          lastMessageSeq: row.lastMessageSeq,
          lastMessageAt: row.lastMessageAt,
          lastReadSeq: row.lastReadSeq,
          unread: unreadCount(row),
        };
        if (meta) summary.kind = meta.kind;
        if (meta?.name !== undefined) summary.name = meta.name;
        return summary;
      }),
    );
    summaries.sort(
      (a, b) =>
        b.lastMessageAt - a.lastMessageAt ||
        b.lastMessageSeq - a.lastMessageSeq ||
        (a.conversationId < b.conversationId ? -1 : 1),
    );
    const list: RegionConversationList = { conversations: summaries };
    return c.json(list);
  });
  return app;
}
