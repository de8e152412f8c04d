// Older history from a region: when the DO's window ends before a history page does, the edge asks
// a region's history API (GET {historyUrl}/v1/history/:id) for the rest through the one region
// client, so clients need only the edge. Best effort: on any failure the caller keeps the
// `olderInRegion` hint instead.
import { type ConversationId, RegionHistoryPage, type UserId } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { RegionClient, regionAnswer, regionApiUrl } from "./client.ts";
import type { TypedKv } from "../storage/kv.ts";
import { storedRouting } from "./router-state.ts";

export interface RegionHistoryRequest {
  userId: UserId;
  before?: number;
  after?: number;
  limit: number;
}

export async function fetchRegionHistory(
  deps: { config: Config; kv: TypedKv; now: () => number; fetcher?: typeof fetch },
  conversationId: ConversationId,
  request: RegionHistoryRequest,
): Promise<RegionHistoryPage | null> {
  const routing = storedRouting(deps.kv);
  const client = new RegionClient({ ...deps, state: routing.state });
  if (!client.configured) return null;
  const params = new URLSearchParams({ userId: request.userId, limit: String(request.limit) });
  if (request.before !== undefined) params.set("before", String(request.before));
  if (request.after !== undefined) params.set("after", String(request.after));
  const path = `/v1/history/${encodeURIComponent(conversationId)}?${params}`;
  try {
    // The region the region outbox writes to has this conversation's newest rows first; others
    // get them by Cassandra replication a moment later.
    const { value } = await client.call(
      { what: "history", location: routing.location(), stickTo: routing.writer() },
      async ({ region, token, fetcher }) =>
        regionAnswer(
          await fetcher(regionApiUrl(region, path), {
            headers: { authorization: `Bearer ${token}` },
          }),
          RegionHistoryPage,
        ),
    );
    return value;
  } catch (error) {
    console.warn("history from the regions failed", String(error));
    return null;
  }
}
