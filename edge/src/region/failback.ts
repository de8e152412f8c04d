// Failback of a conversation's region outbox, the pure half (the ranking half is geo-router's
// `failbackAfterMs`): after a failover, once the home region (the nearest to the conversation's
// clients) ranks first again, the next batch waits until the region that took the previous batch
// has had `drainMs` to persist what it was sent, so two regions never write one conversation at
// once. A failover (the current region failing) never waits.
import type { Candidate } from "@edge-chat/geo-router";

/** Until when the next batch must wait before switching regions; undefined: send now. */
export function failbackPause(
  ranked: readonly Candidate[],
  lastRegionId: string | undefined,
  lastDeliveredAt: number | undefined,
  drainMs: number,
  now: number,
): number | undefined {
  if (lastRegionId === undefined || lastDeliveredAt === undefined) return undefined;
  if (ranked[0] === undefined || ranked[0].region.id === lastRegionId) return undefined;
  const current = ranked.find((c) => c.region.id === lastRegionId);
  if (current?.tier !== "healthy") return undefined; // a failover: the current region is failing
  return now < lastDeliveredAt + drainMs ? lastDeliveredAt + drainMs : undefined;
}
