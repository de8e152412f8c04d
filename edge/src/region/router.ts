// The geo-router for a configuration (one per isolate): the region catalog, health and circuit
// breaking, and the ranking every region call starts from (see client.ts).
import { createGeoRouter, type GeoRouter } from "@edge-chat/geo-router";
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
