// Older history from a region: when the DO's window ends before a history page does, the edge asks
// the nearest healthy region's history API (GET {historyUrl}/v1/history/:id, service token) for the
// rest, so clients need only the edge. Best effort: on any failure the caller keeps the
// `olderInRegion` hint instead.
import type { ClientLocation } from "@edge-chat/geo-router";
import { type ConversationId, RegionHistoryPage, type UserId } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import type { ConversationStore } from "../conversation/store.ts";
import { rankRegions, routerFor } from "../outbox/region.ts";
import { signServiceToken } from "../outbox/service-token.ts";

export interface RegionHistoryRequest {
  userId: UserId;
  before?: number;
  after?: number;
  limit: number;
}

export async function fetchRegionHistory(
  deps: { config: Config; store: ConversationStore; now: () => number; fetcher?: typeof fetch },
  conversationId: ConversationId,
  request: RegionHistoryRequest,
): Promise<RegionHistoryPage | null> {
  const router = routerFor(deps.config);
  if (!router) return null;
  let token: string;
  try {
    token = await signServiceToken(deps.config.serviceSigningKey, deps.now());
  } catch {
    return null;
  }
  const state = router.restoreState(deps.store.kvGet("router", "state"));
  const location = deps.store.kvGet<ClientLocation>("router", "location") ?? {};
  const params = new URLSearchParams({ userId: request.userId, limit: String(request.limit) });
  if (request.before !== undefined) params.set("before", String(request.before));
  if (request.after !== undefined) params.set("after", String(request.after));
  const fetcher = deps.fetcher ?? fetch;
  // The region the outbox writes to has this conversation's newest rows first; others get them by
  // Cassandra replication a moment later.
  const writer = deps.store.kvGet<string>("router", "region");
  for (const candidate of rankRegions(router, state, location, deps.now(), writer)) {
    const base = candidate.region.historyUrl.replace(/\/$/, "");
    try {
      const response = await fetcher(
        `${base}/v1/history/${encodeURIComponent(conversationId)}?${params}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!response.ok) {
        await response.body?.cancel();
        continue;
      }
      const page = RegionHistoryPage.safeParse(await response.json());
      if (page.success) return page.data;
    } catch (error) {
      console.warn(`history from ${candidate.region.id} failed`, String(error));
    }
  }
  return null;
}
