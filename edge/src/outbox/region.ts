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
 */
export function rankRegions(
  router: GeoRouter,
  state: RouterState,
  location: ClientLocation,
  now: number,
  lastRegionId?: string,
): readonly Candidate[] {
  return router.chooseRegion(state, location, now, lastRegionId ? { stickTo: lastRegionId } : {});
}
