// The router: a catalog plus tuning, and the pure functions the edge calls. `chooseRegion` ranks
// every region for a client; `recordSuccess` / `recordFailure` / `recordAttempt` fold in what
// happened and return the next state. The caller owns the state and the clock.
import { type Region, type RegionCatalog, findRegion } from "./catalog.ts";
import { type ClientLocation, type ResolvedPoint, resolveClientPoint } from "./client-location.ts";
import { UnknownRegionError } from "./errors.ts";
import {
  type CircuitPhase,
  type HealthTier,
  circuitPhase,
  healthTier,
  noteAttempt,
  noteFailure,
  noteSuccess,
} from "./health.ts";
import {
  type BreakerOptions,
  type ScoringOptions,
  resolveBreakerOptions,
  resolveScoringOptions,
} from "./options.ts";
import { type Score, scoreRegion } from "./scoring.ts";
import {
  type RouterState,
  healthOf,
  initialRouterState,
  restoreRouterState,
  withHealth,
} from "./state.ts";

export interface GeoRouterConfig {
  readonly catalog: RegionCatalog;
  /** Where clients without any location go first; must be in the catalog. */
  readonly defaultRegionId: string;
  readonly breaker?: Partial<BreakerOptions>;
  readonly scoring?: Partial<ScoringOptions>;
  /**
   * "last" (default) keeps unavailable regions at the end of the list, so a caller with nowhere
   * else to go still tries them; "exclude" drops them.
   */
  readonly unavailable?: "last" | "exclude";
}

/** One region in the ranked answer, with the evidence behind its place. */
export interface Candidate extends Score {
  readonly region: Region;
  readonly tier: HealthTier;
  readonly circuit: CircuitPhase;
  /** Which piece of client location the distance was measured from. */
  readonly locationSource: ResolvedPoint["source"];
}

export interface GeoRouter {
  readonly catalog: RegionCatalog;
  readonly defaultRegion: Region;
  readonly breaker: BreakerOptions;
  readonly scoring: ScoringOptions;
  initialState(): RouterState;
  /** Re-checks a state read back from storage (fresh state if it is not valid). */
  restoreState(value: unknown): RouterState;
  /**
   * Regions to try, in order: healthy by score, then degraded by score, then unavailable. With
   * `stickTo`, that region comes first for as long as it is healthy, whatever the scores say.
   */
  chooseRegion(
    state: RouterState,
    client: ClientLocation,
    now: number,
    options?: ChooseOptions,
  ): readonly Candidate[];
  /** Call just before sending to a region: takes a probe slot if its circuit is half-open. */
  recordAttempt(state: RouterState, regionId: string, now: number): RouterState;
  recordSuccess(state: RouterState, regionId: string, latencyMs: number, now: number): RouterState;
  recordFailure(state: RouterState, regionId: string, now: number): RouterState;
}

export interface ChooseOptions {
  /**
   * A region to keep while it is healthy. A stream that must stay in one place — one conversation's
   * region outbox, which should land in one Kafka partition and be written by one persister —
   * passes the region it last delivered to, so a latency wobble never splits it; only ill health
   * moves it.
   */
  readonly stickTo?: string;
  /**
   * Failback: when `stickTo` is not the home region (the nearest to the client, by distance alone,
   * so latency wobble never moves it), home goes first again once this long has passed since its
   * last failure and its breaker lets a request through. That request is the probe: if it fails,
   * the caller goes on down the list (back to `stickTo`) and the wait starts again. Unset: never.
   */
  readonly failbackAfterMs?: number;
}

const TIER_RANK: Record<HealthTier, number> = { healthy: 0, degraded: 1, unavailable: 2 };

/** Builds a router; throws GeoRouterError for an unknown default region or bad options. */
export function createGeoRouter(config: GeoRouterConfig): GeoRouter {
  const catalog = config.catalog;
  const defaultRegion = findRegion(catalog, config.defaultRegionId);
  if (defaultRegion === undefined) throw new UnknownRegionError(config.defaultRegionId);
  const breaker = resolveBreakerOptions(config.breaker);
  const scoring = resolveScoringOptions(config.scoring);
  const excludeUnavailable = config.unavailable === "exclude";
  const catalogIndex = new Map(catalog.map((region, index) => [region.id, index]));

  const requireRegion = (regionId: string): void => {
    if (!catalogIndex.has(regionId)) throw new UnknownRegionError(regionId);
  };

  return {
    catalog,
    defaultRegion,
    breaker,
    scoring,
    initialState: initialRouterState,
    restoreState: (value) => restoreRouterState(value, catalog),

    chooseRegion(state, client, now, options = {}) {
      const from = resolveClientPoint(client, defaultRegion.location);
      const candidates = catalog.map((region): Candidate => {
        const health = healthOf(state, region.id);
        return {
          region,
          tier: healthTier(health, now, breaker),
          circuit: circuitPhase(health, now),
          locationSource: from.source,
          ...scoreRegion(from.point, region.location, health.latency, now, scoring),
        };
      });
      // Ties (same place, same evidence) go to the default region, then to catalog order, so the
      // answer is deterministic.
      const tieBreak = (a: Candidate, b: Candidate) =>
        Number(b.region.id === defaultRegion.id) - Number(a.region.id === defaultRegion.id) ||
        (catalogIndex.get(a.region.id) ?? 0) - (catalogIndex.get(b.region.id) ?? 0);
      const home = candidates.reduce((best, c) =>
        (c.estimatedRttMs - best.estimatedRttMs || tieBreak(c, best)) < 0 ? c : best,
      );
      const ranked = candidates.sort(
        (a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier] || a.scoreMs - b.scoreMs || tieBreak(a, b),
      );
      const stuck = ranked.find((c) => c.region.id === options.stickTo);
      const homeDue = failbackDue(
        home,
        healthOf(state, home.region.id).lastFailureAt,
        now,
        options,
      );
      // Home takes over from a healthy region it lost the conversation to, and keeps it while its
      // last failure stays old enough (its window may still rank it degraded for a while: leaving
      // again on that alone would flip the conversation between regions batch by batch).
      const keep =
        stuck !== undefined && homeDue && (stuck === home || stuck.tier === "healthy")
          ? home
          : stuck?.tier === "healthy"
            ? stuck
            : undefined;
      const first = keep === undefined ? -1 : ranked.indexOf(keep);
      if (first > 0) ranked.unshift(...ranked.splice(first, 1));
      return excludeUnavailable ? ranked.filter((c) => c.tier !== "unavailable") : ranked;
    },

    recordAttempt(state, regionId, now) {
      requireRegion(regionId);
      const before = healthOf(state, regionId);
      const after = noteAttempt(before, now, breaker);
      return after === before ? state : withHealth(state, regionId, after);
    },

    recordSuccess(state, regionId, latencyMs, now) {
      requireRegion(regionId);
      const health = noteSuccess(healthOf(state, regionId), latencyMs, now, breaker, scoring);
      return withHealth(state, regionId, health);
    },

    recordFailure(state, regionId, now) {
      requireRegion(regionId);
      return withHealth(state, regionId, noteFailure(healthOf(state, regionId), now, breaker));
    },
  };
}

/** Whether the home region should take the next request back from the region stuck to. */
function failbackDue(
  home: Candidate,
  lastFailureAt: number | null,
  now: number,
  options: ChooseOptions,
): boolean {
  if (options.failbackAfterMs === undefined || home.tier === "unavailable") return false;
  return lastFailureAt === null || now - lastFailureAt >= options.failbackAfterMs;
}
