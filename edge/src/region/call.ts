// Region calls about a user rather than a conversation (the device registry, due pushes), through
// the one region client with the router state kept per isolate. A network error or a 5xx fails over
// to the next region; any other answer is the region's word on the request and is returned as is.
import type { ClientLocation } from "@edge-chat/geo-router";
import type { Config } from "../config.ts";
import { RegionClient, regionApiUrl } from "./client.ts";
import { isolateRouterState } from "./router-state.ts";

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
  const client = new RegionClient({ ...deps, state: isolateRouterState(deps.config) });
  const { value } = await client.call(
    { what: `${method} ${path}`, ...(deps.location ? { location: deps.location } : {}) },
    async ({ region, token, fetcher }) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetcher(regionApiUrl(region, path), {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (response.status < 500) return response;
      await response.body?.cancel();
      throw new Error(`the region answered ${response.status}`);
    },
  );
  return value;
}
