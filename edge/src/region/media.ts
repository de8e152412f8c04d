// The edge's client of a region's media API (POST {historyUrl}/v1/media/uploads|verify|downloads),
// through the one region client with the router state kept per isolate (the Worker has no storage
// of its own). A region's typed 4xx is a verdict on the request and reaches the caller as the same
// error; anything else fails over to the next region.
import type { ClientLocation } from "@edge-chat/geo-router";
import type { z } from "zod";
import type { Config } from "../config.ts";
import { RegionClient, regionAnswer, regionApiUrl } from "./client.ts";
import { isolateRouterState } from "./router-state.ts";

export async function callRegionMedia<T extends z.ZodType>(
  deps: { config: Config; now: () => number; fetcher?: typeof fetch },
  location: ClientLocation,
  path: "/v1/media/uploads" | "/v1/media/downloads" | "/v1/media/verify",
  body: unknown,
  answer: T,
): Promise<z.output<T>> {
  const client = new RegionClient({ ...deps, state: isolateRouterState(deps.config) });
  const { value } = await client.call(
    { what: `media ${path}`, location },
    async ({ region, token, fetcher }) =>
      regionAnswer(
        await fetcher(regionApiUrl(region, path), {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        }),
        answer,
      ),
  );
  return value;
}
