// The one region client. Every call from the edge to a region (region outbox batches, history,
// media, the device registry, pushes) goes through `call`: rank the regions (geo-router: nearest
// healthy first, circuit breakers, an optional sticky region), sign the service token once, try
// each candidate in turn, record each outcome in the router state, and fail over on an outage.
// Layered as token (service-token.ts) -> router (router.ts, router-state.ts) -> call (here).
import type {
  Candidate,
  ClientLocation,
  GeoRouter,
  Region,
  RouterState,
} from "@edge-chat/geo-router";
import { ChatError, ErrorResponse, type ErrorCode } from "@edge-chat/protocol";
import type { z } from "zod";
import type { Config } from "../config.ts";
import { routerFor } from "./router.ts";
import type { RouterStateStore } from "./router-state.ts";
import { signServiceToken } from "./service-token.ts";

export interface RegionClientDeps {
  config: Config;
  state: RouterStateStore;
  now: () => number;
  fetcher?: typeof fetch;
  /** Told of every attempt (latency metrics). */
  onAttempt?: (attempt: { regionId: string; ms: number; ok: boolean }) => void;
}

export interface CallOptions {
  /** For logs: what is being asked ("region outbox flush", "history", …). */
  what: string;
  /** The ranking's origin; none: the default region first. */
  location?: ClientLocation;
  /** A region to keep first while it is healthy. */
  stickTo?: string;
  /** With stickTo: the nearest region ranks first again this long after its last failure. */
  failbackAfterMs?: number;
}

/** What an attempt gets: the region, the signed token and the fetch to use. */
export interface AttemptContext {
  region: Region;
  token: string;
  fetcher: typeof fetch;
}

/**
 * Thrown by an attempt when the region answered about the request itself (a 4xx): the region is
 * healthy, no other region is asked, and the caller gets `error`.
 */
export class RegionVerdict extends Error {
  readonly error: ChatError;
  constructor(error: ChatError) {
    super(error.message);
    this.name = "RegionVerdict";
    this.error = error;
  }
}

export class RegionClient {
  private readonly deps: RegionClientDeps;
  private readonly router: GeoRouter | undefined;

  constructor(deps: RegionClientDeps) {
    this.deps = deps;
    this.router = routerFor(deps.config);
  }

  /** False when no region is configured (every call then fails as unavailable). */
  get configured(): boolean {
    return this.router !== undefined;
  }

  /** The regions in the order `call` would try them now (empty when none is configured). */
  rank(options: CallOptions): readonly Candidate[] {
    const router = this.router;
    if (!router) return [];
    const { stickTo, failbackAfterMs } = options;
    return router.chooseRegion(
      router.restoreState(this.deps.state.load()),
      options.location ?? {},
      this.deps.now(),
      stickTo ? { stickTo, failbackAfterMs } : {},
    );
  }

  /**
   * Runs `attempt` against the ranked regions until one succeeds. Any error from an attempt counts
   * as that region's failure and moves on, except a RegionVerdict, which ends the call with its
   * error. Throws ChatError("unavailable") when no region is configured, the token cannot be
   * signed, or every region failed.
   */
  async call<T>(
    options: CallOptions,
    attempt: (ctx: AttemptContext) => Promise<T>,
  ): Promise<{ value: T; regionId: string }> {
    const router = this.router;
    if (!router) throw new ChatError("unavailable", "no region is configured");
    const { now, onAttempt } = this.deps;
    const token = await signServiceToken(this.deps.config.serviceSigningKey, now());
    const fetcher = this.deps.fetcher ?? fetch;
    for (const { region } of this.rank(options)) {
      const id = region.id;
      this.record((state) => router.recordAttempt(state, id, now()));
      const started = now();
      try {
        const value = await attempt({ region, token, fetcher });
        this.record((state) => router.recordSuccess(state, id, now() - started, now()));
        onAttempt?.({ regionId: id, ms: now() - started, ok: true });
        return { value, regionId: id };
      } catch (error) {
        if (error instanceof RegionVerdict) {
          // The region answered: it is healthy, the request was not.
          this.record((state) => router.recordSuccess(state, id, now() - started, now()));
          onAttempt?.({ regionId: id, ms: now() - started, ok: true });
          throw error.error;
        }
        this.record((state) => router.recordFailure(state, id, now()));
        onAttempt?.({ regionId: id, ms: now() - started, ok: false });
        console.warn(`${options.what} via ${id} failed`, String(error));
      }
    }
    throw new ChatError("unavailable", `no region answered (${options.what})`);
  }

  /**
   * Reads, updates and saves the state in one synchronous step: other calls may have recorded
   * outcomes during this call's awaits, and a state held across them would overwrite theirs.
   */
  private record(update: (state: RouterState) => RouterState): void {
    const router = this.router!;
    this.deps.state.save(update(router.restoreState(this.deps.state.load())));
  }
}

/** `path` on a region's API (history, media, devices, push: all served at its historyUrl). */
export function regionApiUrl(region: Region, path: string): string {
  return `${region.historyUrl.replace(/\/$/, "")}${path}`;
}

/** Region errors passed on to the caller as the same typed error (a verdict on the request). */
const PASSED_ON: ReadonlySet<ErrorCode> = new Set([
  "invalid_request",
  "content_too_large",
  "not_found",
]);

/**
 * A region's JSON answer: the parsed body on a 2xx that matches `schema`; a RegionVerdict for a
 * typed 4xx about the request; anything else (a 5xx, a 401 for our own token, an unexpected body)
 * throws as the region's failure, so the call fails over.
 */
export async function regionAnswer<T extends z.ZodType>(
  response: Response,
  schema: T,
): Promise<z.output<T>> {
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new ChatError("unavailable", "the region answered an unexpected body");
  }
  if (response.status < 500) {
    const error = ErrorResponse.safeParse(json);
    if (error.success && PASSED_ON.has(error.data.error.code)) {
      throw new RegionVerdict(new ChatError(error.data.error.code, error.data.error.message));
    }
  }
  throw new ChatError("unavailable", `the region answered ${response.status}`);
}
