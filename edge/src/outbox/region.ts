// Region choice for the outbox, through @edge-chat/geo-router: the region that took the last batch
// while it stays healthy, else the nearest healthy region (from the conversation's last known
// client location), failing over down the ranked list. The router's
// state (health, breakers, latency) is a plain JSON value the caller keeps in DO storage.
import {
  type Candidate,
  type ClientLocation,
  createGeoRouter,
  type GeoRouter,
  type RouterState,
} from "@edge-chat/geo-router";
import type { Config } from "../config.ts";

const routers = new WeakMap<Config, GeoRouter>();

/** The router for a configuration, or undefined when no region is configured. */
export function routerFor(config: Config): GeoRouter | undefined {
  if (config.regions.length === 0 || config.defaultRegionId === undefined) return undefined;
  let router = routers.get(config);
  if (!router) {
    router = createGeoRouter({ catalog: config.regions, defaultRegionId: config.defaultRegionId });
    routers.set(config, router);
  }
  return router;
}

/**
 * Regions to try for the next batch. The region that took the last batch stays first while it is
 * healthy: one conversation's events then land in one Kafka partition and are written by one
 * persister, in order, instead of being split between regions whenever latencies wobble.
 *
 * Failback (`failbackAfterMs`): after a failover, the home region (the nearest to the
 * conversation's clients) is tried first again once `failbackAfterMs` have passed since its last
 * failure; the flusher first lets the current region drain (see `failbackPause`). If home fails, the
 * batch goes on to the current region and the wait starts again.
 */
export function rankRegions(
  router: GeoRouter,
  state: RouterState,
  location: ClientLocation,
  now: number,
  lastRegionId?: string,
  failbackAfterMs?: number,
): readonly Candidate[] {
  return router.chooseRegion(
    state,
    location,
    now,
    lastRegionId ? { stickTo: lastRegionId, failbackAfterMs } : {},
  );
}

/**
 * Until when a batch must wait before it leaves the region that took the previous one although that
 * region is healthy (a failback): `drainMs` after that batch, so the region's persister has written
 * the conversation's events in flight before another region starts writing it. Undefined: go now.
 */
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
