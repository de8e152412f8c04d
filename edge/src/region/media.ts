// The edge's client of a region's media API (POST {historyUrl}/v1/media/uploads|verify|downloads, a
// service token). Regions are tried in the geo-router's order for the caller's location, failing
// over on network errors and 5xx; the router's health and breaker state is kept per isolate (the
// Worker has no storage of its own). A region's 4xx is a verdict on the request, not an outage: it
// is passed on as the same typed error and no other region is asked.
import type { ClientLocation, RouterState } from "@edge-chat/geo-router";
import { ChatError, ErrorResponse, type ErrorCode } from "@edge-chat/protocol";
import type { z } from "zod";
import type { Config } from "../config.ts";
import { rankRegions, routerFor } from "../outbox/region.ts";
import { signServiceToken } from "../outbox/service-token.ts";

/** Region errors the caller may see; anything else (401 for our token, 5xx) is our outage. */
const PASSED_ON: ReadonlySet<ErrorCode> = new Set([
  "invalid_request",
  "content_too_large",
  "not_found",
]);

const states = new WeakMap<Config, RouterState>();

export async function callRegionMedia<T extends z.ZodType>(
  deps: { config: Config; now: () => number; fetcher?: typeof fetch },
  location: ClientLocation,
  path: "/v1/media/uploads" | "/v1/media/downloads" | "/v1/media/verify",
  body: unknown,
  answer: T,
): Promise<z.output<T>> {
  const router = routerFor(deps.config);
  if (!router) throw new ChatError("unavailable", "no region configured for media");
  const token = await signServiceToken(deps.config.serviceSigningKey, deps.now());
  const fetcher = deps.fetcher ?? fetch;
  let state = states.get(deps.config) ?? router.initialState();
  try {
    for (const candidate of rankRegions(router, state, location, deps.now())) {
      const id = candidate.region.id;
      state = router.recordAttempt(state, id, deps.now());
      const started = deps.now();
      let response: Response;
      try {
        response = await fetcher(`${candidate.region.historyUrl.replace(/\/$/, "")}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
      } catch (error) {
        state = router.recordFailure(state, id, deps.now());
        console.warn(`media from ${id} failed`, String(error));
        continue;
      }
      const json: unknown = await response.json().catch(() => null);
      if (response.ok) {
        const parsed = answer.safeParse(json);
        if (parsed.success) {
          state = router.recordSuccess(state, id, deps.now() - started, deps.now());
          return parsed.data;
        }
      } else if (response.status < 500) {
        const error = ErrorResponse.safeParse(json);
        if (error.success && PASSED_ON.has(error.data.error.code)) {
          // The region answered: it is healthy, the request was not.
          state = router.recordSuccess(state, id, deps.now() - started, deps.now());
          throw new ChatError(error.data.error.code, error.data.error.message);
        }
      }
      state = router.recordFailure(state, id, deps.now());
      console.warn(`media from ${id}: unexpected answer ${response.status}`);
    }
  } finally {
    states.set(deps.config, state);
  }
  throw new ChatError("unavailable", "no region could sign the media URL");
}
