// The router's state: health per region id, as one plain serialisable object (numbers, strings,
// arrays, nulls; no Infinity, no Map, no class). A Durable Object keeps it in storage across
// evictions; `restoreRouterState` re-checks whatever comes back and starts fresh on anything odd,
// since losing health history costs a few retries, while trusting a corrupt value could mis-route.
import { z } from "zod";
import type { RegionCatalog } from "./catalog.ts";
import { FRESH_HEALTH, type RegionHealth } from "./health.ts";

export const ROUTER_STATE_VERSION = 1;

export interface RouterState {
  readonly version: typeof ROUTER_STATE_VERSION;
  /** Health by region id; a region without an entry is fresh (closed, unmeasured). */
  readonly regions: Readonly<Record<string, RegionHealth>>;
}

export function initialRouterState(): RouterState {
  return { version: ROUTER_STATE_VERSION, regions: {} };
}

/** The health of a region, fresh when the state has never seen it. */
export function healthOf(state: RouterState, regionId: string): RegionHealth {
  return Object.hasOwn(state.regions, regionId)
    ? (state.regions[regionId] ?? FRESH_HEALTH)
    : FRESH_HEALTH;
}

/** A new state with one region's health replaced; the input is left untouched. */
export function withHealth(
  state: RouterState,
  regionId: string,
  health: RegionHealth,
): RouterState {
  return { ...state, regions: { ...state.regions, [regionId]: health } };
}

const time = z.number().finite();
const count = z.number().int().min(0);

const healthSchema = z.object({
  circuit: z.enum(["closed", "open"]),
  openUntil: time.nullable(),
  reopenCount: count,
  consecutiveFailures: count,
  halfOpenSuccesses: count,
  probeStarts: z.array(time),
  window: z.array(z.object({ start: time, successes: count, failures: count })),
  latency: z
    .object({ ewmaMs: z.number().finite().min(0), samples: count, lastSampleAt: time })
    .nullable(),
  // Absent in states stored before failback existed: read as "no failure known".
  lastFailureAt: time.nullable().default(null),
});

const stateSchema = z.object({
  version: z.literal(ROUTER_STATE_VERSION),
  regions: z.record(z.string(), healthSchema),
});

/**
 * Re-reads a stored state. Anything that is not a valid state of this version yields a fresh
 * state; entries for regions no longer in the catalog are dropped so the state cannot grow with
 * catalog churn.
 */
export function restoreRouterState(value: unknown, catalog: RegionCatalog): RouterState {
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success) return initialRouterState();
  const known = new Set(catalog.map((region) => region.id));
  const regions: Record<string, RegionHealth> = {};
  for (const [id, health] of Object.entries(parsed.data.regions)) {
    if (known.has(id)) regions[id] = health;
  }
  return { version: ROUTER_STATE_VERSION, regions };
}
