// One service call from the edge to a region's API for requests that are about a user rather than a
// conversation (the device registry, due pushes): signed with the service token, sent to the nearest
// healthy region and failing over down the geo-router's ranking on a network error or a 5xx. A 4xx
// is the region's typed answer about the request itself and is returned as is.
import type { ClientLocation } from "@edge-chat/geo-router";
import { ChatError } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { rankRegions, routerFor } from "../outbox/region.ts";
import { signServiceToken } from "../outbox/service-token.ts";

export interface RegionCallDeps {
  config: Config;
  now: () => number;
  location?: ClientLocation;
  fetcher?: typeof fetch;
}

export async function callRegion(
  deps: RegionCallDeps,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const router = routerFor(deps.config);
  if (!router) throw new ChatError("unavailable", "no region is configured");
  const token = await signServiceToken(deps.config.serviceSigningKey, deps.now());
  const fetcher = deps.fetcher ?? fetch;
  const state = router.restoreState(undefined);
  for (const candidate of rankRegions(router, state, deps.location ?? {}, deps.now())) {
    const base = candidate.region.historyUrl.replace(/\/$/, "");
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetcher(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (response.status < 500) return response;
      await response.body?.cancel();
    } catch (error) {
      console.warn(`region ${candidate.region.id}: ${method} ${path} failed`, String(error));
    }
  }
  throw new ChatError("unavailable", "no region answered");
}
