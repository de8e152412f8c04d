// GET /v1/users/:userId/conversations: a user's conversation list, most recently active first,
// with unread counts. Derived on read (cql's 0007): the user's memberships, then per conversation
// one single-row read of its state partition (the head and the member's read position), in
// parallel; group names come from the conversation's metadata. Nothing here is written per message.
import {
  parseWith,
  type RegionConversationList,
  type RegionConversationSummary,
  type UserId,
  UserId as UserIdSchema,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { unreadCount } from "../persister/merge.ts";
import type { Repositories, UserConversationRow } from "../repositories/ports.ts";

export function conversationRoutes(deps: { repositories: Repositories }): Hono {
  const app = new Hono();
  app.get("/:userId/conversations", async (c) => {
    const userId = parseWith(UserIdSchema, c.req.param("userId"));
    const list: RegionConversationList = {
      conversations: await conversationList(deps.repositories, userId),
    };
    return c.json(list);
  });
  return app;
}

export async function conversationList(
  repositories: Repositories,
  userId: UserId,
): Promise<RegionConversationSummary[]> {
  const rows = await repositories.userConversations.list(userId);
  const summaries = await Promise.all(rows.map((row) => summaryOf(repositories, row)));
  return summaries.sort(
    (a, b) =>
      b.lastMessageAt - a.lastMessageAt ||
      b.lastMessageSeq - a.lastMessageSeq ||
      (a.conversationId < b.conversationId ? -1 : 1),
  );
}

async function summaryOf(
  repositories: Repositories,
  row: UserConversationRow,
): Promise<RegionConversationSummary> {
  // A direct conversation has no name and its kind is on the row: only groups need the metadata.
  const [state, meta] = await Promise.all([
    repositories.receipts.memberState(row.conversationId, row.userId),
    row.kind === "direct" ? null : repositories.conversations.get(row.conversationId),
  ]);
  const lastMessageSeq = state?.lastMessageSeq ?? 0;
  const lastReadSeq = state?.lastReadSeq ?? 0;
  const summary: RegionConversationSummary = {
    conversationId: row.conversationId,
    lastMessageSeq,
    // Before its first persisted message, a conversation is as recent as the member's joining.
    lastMessageAt: state?.lastMessageAt || row.joinedAt || 0,
    lastReadSeq,
    unread: unreadCount({ lastMessageSeq, lastReadSeq }),
  };
  const kind = meta?.kind ?? row.kind;
  if (kind) summary.kind = kind;
  if (meta?.name !== undefined) summary.name = meta.name;
  return summary;
}
