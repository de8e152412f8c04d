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
   * outbox, which should land in one Kafka partition and be written by one persister — passes the
   * region it last delivered to, so a latency wobble never splits it; only ill health moves it.
   */
  readonly stickTo?: string;
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
      const ranked = candidates.sort(
        (a, b) =>
          TIER_RANK[a.tier] - TIER_RANK[b.tier] ||
          a.scoreMs - b.scoreMs ||
          // Ties (same place, same evidence) go to the default region, then to catalog order, so
          // the answer is deterministic.
          Number(b.region.id === defaultRegion.id) - Number(a.region.id === defaultRegion.id) ||
          (catalogIndex.get(a.region.id) ?? 0) - (catalogIndex.get(b.region.id) ?? 0),
      );
      const sticky = ranked.findIndex(
        (c) => c.region.id === options.stickTo && c.tier === "healthy",
      );
      if (sticky > 0) ranked.unshift(...ranked.splice(sticky, 1));
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
