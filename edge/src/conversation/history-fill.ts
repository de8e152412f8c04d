// A history page the DO's window could not complete, filled from a region's history API. On any
// region failure the page keeps its `olderInRegion` hint, so the client can ask again later.
import type { ConversationId, HistoryPage, HistoryQuery, UserId } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { fetchRegionHistory } from "../region/history.ts";
import type { TypedKv } from "../storage/kv.ts";

export async function completeFromRegion(
  deps: { config: Config; kv: TypedKv; now: () => number },
  conversationId: ConversationId,
  userId: UserId,
  query: HistoryQuery,
  page: HistoryPage,
): Promise<HistoryPage> {
  if (!page.olderInRegion) return page;
  const beforeSeq = page.olderInRegion.beforeSeq;
  if (query.after !== undefined) {
    // A gap: the region holds after+1 … beforeSeq-1; return those first, the window follows.
    const older = await fetchRegionHistory(deps, conversationId, {
      userId,
      after: query.after,
      before: beforeSeq,
      limit: query.limit,
    });
    return older ? { messages: older.messages, hasMore: true } : page;
  }
  const older = await fetchRegionHistory(deps, conversationId, {
    userId,
    before: beforeSeq,
    limit: query.limit - page.messages.length,
  });
  if (!older) return page;
  return { messages: [...older.messages, ...page.messages], hasMore: older.hasMore };
}
