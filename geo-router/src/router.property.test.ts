// Properties of routing over arbitrary catalogs, locations and event histories.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Region } from "./catalog.ts";
import type { ClientLocation } from "./client-location.ts";
import { circuitPhase, healthTier } from "./health.ts";
import { createGeoRouter, type GeoRouter } from "./router.ts";
import { healthOf, type RouterState } from "./state.ts";

const point = fc.record({
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
});

const catalogArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 6 })
  .chain((ids) =>
    fc.tuple(fc.constant(ids), fc.array(point, { minLength: ids.length, maxLength: ids.length })),
  )
  .map(([ids, points]): Region[] =>
    ids.map((id, i) => ({
      id,
      name: id,
      location: points[i] ?? { lat: 0, lon: 0 },
      ingestUrl: `https://${id}.example`,
      historyUrl: `https://${id}.example`,
    })),
  );

const locationArb: fc.Arbitrary<ClientLocation> = fc.oneof(
  point,
  fc.record({ continent: fc.constantFrom("AF", "AN", "AS", "EU", "NA", "OC", "SA") }),
  fc.constant({}),
);

type Event =
  | { kind: "success"; region: number; latencyMs: number; dt: number }
  | { kind: "failure"; region: number; dt: number }
  | { kind: "attempt"; region: number; dt: number };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    kind: fc.constant("success" as const),
    region: fc.nat(),
    latencyMs: fc.double({ min: 0, max: 2_000, noNaN: true }),
    dt: fc.nat({ max: 5_000 }),
  }),
  fc.record({
    kind: fc.constant("failure" as const),
    region: fc.nat(),
    dt: fc.nat({ max: 5_000 }),
  }),
  fc.record({
    kind: fc.constant("attempt" as const),
    region: fc.nat(),
    dt: fc.nat({ max: 5_000 }),
  }),
);

function replay(router: GeoRouter, events: readonly Event[]): { state: RouterState; now: number } {
  let state = router.initialState();
  let now = 1_700_000_000_000;
  for (const event of events) {
    now += event.dt;
    const id = router.catalog[event.region % router.catalog.length]?.id ?? "";
    if (event.kind === "success") state = router.recordSuccess(state, id, event.latencyMs, now);
    else if (event.kind === "failure") state = router.recordFailure(state, id, now);
    else state = router.recordAttempt(state, id, now);
  }
  return { state, now };
}

const scenario = fc.record({
  catalog: catalogArb,
  defaultIndex: fc.nat(),
  events: fc.array(eventArb, { maxLength: 80 }),
  location: locationArb,
  later: fc.nat({ max: 60_000 }),
  failureThreshold: fc.integer({ min: 1, max: 5 }),
});

function build(catalog: Region[], defaultIndex: number, failureThreshold: number): GeoRouter {
  const defaultRegionId = catalog[defaultIndex % catalog.length]?.id ?? "";
  return createGeoRouter({
    catalog,
    defaultRegionId,
    breaker: { failureThreshold, coolDownMs: 2_000, windowMs: 20_000, minRequestsInWindow: 5 },
  });
}

describe("routing properties", () => {
  it("the ranking is a permutation of the catalog", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const router = build(s.catalog, s.defaultIndex, s.failureThreshold);
        const { state, now } = replay(router, s.events);
        const ranked = router.chooseRegion(state, s.location, now + s.later);
        expect(ranked.map((c) => c.region.id).sort()).toEqual(s.catalog.map((r) => r.id).sort());
      }),
    );
  });

  it("an open circuit is never chosen first while a healthy region exists", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const router = build(s.catalog, s.defaultIndex, s.failureThreshold);
        const { state, now } = replay(router, s.events);
        const at = now + s.later;
        const ranked = router.chooseRegion(state, s.location, at);
        const anyHealthy = s.catalog.some(
          (r) => healthTier(healthOf(state, r.id), at, router.breaker) === "healthy",
        );
        if (anyHealthy) {
          expect(ranked[0]?.tier).toBe("healthy");
          expect(ranked[0]?.circuit).not.toBe("open");
        }
      }),
    );
  });

  it("tiers never interleave: healthy, then degraded, then unavailable", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const router = build(s.catalog, s.defaultIndex, s.failureThreshold);
        const { state, now } = replay(router, s.events);
        const order = { healthy: 0, degraded: 1, unavailable: 2 };
        const tiers = router
          .chooseRegion(state, s.location, now + s.later)
          .map((c) => order[c.tier]);
        expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
      }),
    );
  });

  it("failureThreshold consecutive failures always open a closed circuit", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const router = build(s.catalog, s.defaultIndex, s.failureThreshold);
        const { state, now } = replay(router, s.events);
        const id = s.catalog[0]?.id ?? "";
        if (circuitPhase(healthOf(state, id), now) !== "closed") return;
        let next = state;
        for (let i = 0; i < s.failureThreshold; i++) next = router.recordFailure(next, id, now);
        expect(circuitPhase(healthOf(next, id), now)).toBe("open");
      }),
    );
  });

  it("state stays JSON-serialisable, bounded, and updates never mutate their input", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const router = build(s.catalog, s.defaultIndex, s.failureThreshold);
        const { state, now } = replay(router, s.events);
        const frozen = JSON.stringify(state);
        expect(JSON.parse(frozen)).toEqual(state);
        expect(router.restoreState(JSON.parse(frozen))).toEqual(state);
        for (const region of s.catalog) {
          router.recordFailure(state, region.id, now);
          router.recordSuccess(state, region.id, 5, now);
          router.recordAttempt(state, region.id, now + s.later);
          const health = healthOf(state, region.id);
          expect(health.window.length).toBeLessThanOrEqual(router.breaker.windowBuckets + 1);
          expect(health.probeStarts.length).toBeLessThanOrEqual(s.events.length);
        }
        expect(JSON.stringify(state)).toBe(frozen);
      }),
    );
  });

  it("with no location at all, a healthy default region comes first", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const router = build(s.catalog, s.defaultIndex, s.failureThreshold);
        const { state, now } = replay(
          router,
          // Only latency-free history: no evidence that could outrank distance 0.
          s.events.filter((e) => e.kind !== "success"),
        );
        const at = now + s.later;
        const defaultHealthy =
          healthTier(healthOf(state, router.defaultRegion.id), at, router.breaker) === "healthy";
        if (defaultHealthy) {
          expect(router.chooseRegion(state, {}, at)[0]?.region.id).toBe(router.defaultRegion.id);
        }
      }),
    );
  });
});
