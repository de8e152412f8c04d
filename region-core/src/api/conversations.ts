// GET /v1/users/:userId/conversations: a user's conversation list, most recently active first,
// with unread counts. Derived on read (cql's 0007): the user's memberships, then one multi-partition
// read of the member's rows in those conversations' state partitions (the head and the member's read
// position) and one of the groups' metadata (names): three requests whatever the list's length.
// Nothing here is written per message.
import {
  compareRecency,
  parseWith,
  type RegionConversationList,
  type RegionConversationSummary,
  type UserId,
  UserId as UserIdSchema,
  unreadCount,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import type {
  ConversationRow,
  MemberState,
  Repositories,
  UserConversationRow,
} from "../repositories/ports.ts";

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
  const ids = rows.map((row) => row.conversationId);
  // A direct conversation has no name and its kind is on the row: only groups need the metadata.
  const groups = rows.filter((row) => row.kind !== "direct").map((row) => row.conversationId);
  const [states, metas] = await Promise.all([
    repositories.receipts.memberStates(userId, ids),
    groups.length > 0 ? repositories.conversations.getMany(groups) : [],
  ]);
  const stateOf = new Map(states.map((state) => [state.conversationId, state]));
  const metaOf = new Map(metas.map((meta) => [meta.conversationId, meta]));
  return rows
    .map((row) => summaryOf(row, stateOf.get(row.conversationId), metaOf.get(row.conversationId)))
    .sort((a, b) => compareRecency(recencyOf(a), recencyOf(b)));
}

function recencyOf(summary: RegionConversationSummary) {
  const { conversationId, lastMessageAt, lastMessageSeq: lastSeq } = summary;
  return { conversationId, lastMessageAt, lastSeq };
}

function summaryOf(
  row: UserConversationRow,
  state: MemberState | undefined,
  meta: ConversationRow | undefined,
): RegionConversationSummary {
  const lastMessageSeq = state?.lastMessageSeq ?? 0;
  const lastReadSeq = state?.lastReadSeq ?? 0;
  const summary: RegionConversationSummary = {
    conversationId: row.conversationId,
    lastMessageSeq,
    // Before its first persisted message, a conversation is as recent as the member's joining.
    lastMessageAt: state?.lastMessageAt || row.joinedAt || 0,
    lastReadSeq,
    unread: unreadCount(lastMessageSeq, lastReadSeq),
  };
  const kind = meta?.kind ?? row.kind;
  if (kind) summary.kind = kind;
  if (meta?.name !== undefined) summary.name = meta.name;
  return summary;
}
