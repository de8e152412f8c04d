// Circuit breaker transitions, driven through the router's public functions with explicit times.
import { describe, expect, it } from "vitest";
import { EXAMPLE_PRODUCTION_CATALOG } from "./catalogs.ts";
import { GeoRouterError, UnknownRegionError } from "./errors.ts";
import { circuitPhase, healthTier } from "./health.ts";
import { createGeoRouter } from "./router.ts";
import { healthOf, type RouterState } from "./state.ts";

const router = createGeoRouter({
  catalog: EXAMPLE_PRODUCTION_CATALOG,
  defaultRegionId: "eu-west",
  breaker: {
    failureThreshold: 3,
    coolDownMs: 1_000,
    maxCoolDownMs: 8_000,
    halfOpenMaxProbes: 1,
    probeTimeoutMs: 5_000,
    windowMs: 10_000,
    windowBuckets: 5,
    minRequestsInWindow: 10,
    failureRateThreshold: 0.5,
    degradedFailureRate: 0.1,
  },
});
const R = "us-east";
const phase = (state: RouterState, now: number) => circuitPhase(healthOf(state, R), now);
const tier = (state: RouterState, now: number) =>
  healthTier(healthOf(state, R), now, router.breaker);

function failTimes(state: RouterState, times: number, now: number): RouterState {
  let next = state;
  for (let i = 0; i < times; i++) next = router.recordFailure(next, R, now);
  return next;
}

function openCircuit(now: number): RouterState {
  return failTimes(router.initialState(), 3, now);
}

describe("circuit breaker", () => {
  it("starts closed and healthy", () => {
    const state = router.initialState();
    expect(phase(state, 0)).toBe("closed");
    expect(tier(state, 0)).toBe("healthy");
  });

  it("stays closed below the consecutive-failure threshold, degraded meanwhile", () => {
    const state = failTimes(router.initialState(), 2, 100);
    expect(phase(state, 100)).toBe("closed");
    expect(tier(state, 100)).toBe("degraded");
  });

  it("a success resets the consecutive count", () => {
    let state = failTimes(router.initialState(), 2, 100);
    state = router.recordSuccess(state, R, 20, 101);
    state = failTimes(state, 2, 102);
    expect(phase(state, 102)).toBe("closed");
  });

  it("opens after N consecutive failures", () => {
    const state = openCircuit(100);
    expect(phase(state, 100)).toBe("open");
    expect(tier(state, 100)).toBe("unavailable");
    expect(phase(state, 1_099)).toBe("open");
  });

  it("opens on the failure rate in the window even without N in a row", () => {
    let state = router.initialState();
    // Alternate success/failure: never 3 failures in a row, but 50 % of 10 in the window.
    for (let i = 0; i < 5; i++) {
      state = router.recordSuccess(state, R, 10, 100 + i);
      state = router.recordFailure(state, R, 100 + i);
    }
    expect(phase(state, 110)).toBe("open");
  });

  it("forgets failures that slid out of the window", () => {
    let state = router.initialState();
    for (let i = 0; i < 4; i++) {
      state = router.recordSuccess(state, R, 10, 0);
      state = router.recordFailure(state, R, 0);
    }
    // 8 outcomes at t=0 are gone 10 s later; the two new ones alone do not reach minRequests.
    state = router.recordSuccess(state, R, 10, 20_000);
    state = router.recordFailure(state, R, 20_000);
    expect(phase(state, 20_000)).toBe("closed");
    expect(healthOf(state, R).window.length).toBeLessThanOrEqual(router.breaker.windowBuckets + 1);
  });

  it("half-opens after the cool-down and lets exactly one probe through", () => {
    let state = openCircuit(0);
    expect(phase(state, 1_000)).toBe("half-open");
    expect(tier(state, 1_000)).toBe("degraded");
    state = router.recordAttempt(state, R, 1_000);
    expect(tier(state, 1_001)).toBe("unavailable");
    // A probe whose answer never comes frees its slot after probeTimeoutMs.
    expect(tier(state, 6_000)).toBe("degraded");
  });

  it("recordAttempt changes nothing unless half-open", () => {
    const state = router.initialState();
    expect(router.recordAttempt(state, R, 0)).toBe(state);
    const open = openCircuit(0);
    expect(router.recordAttempt(open, R, 10)).toBe(open);
  });

  it("closes on a successful probe, with a clean window", () => {
    let state = openCircuit(0);
    state = router.recordAttempt(state, R, 1_000);
    state = router.recordSuccess(state, R, 30, 1_050);
    expect(phase(state, 1_050)).toBe("closed");
    expect(tier(state, 1_050)).toBe("healthy");
    expect(healthOf(state, R).reopenCount).toBe(0);
    // One more failure must not re-open it at once from stale window data.
    state = router.recordFailure(state, R, 1_060);
    expect(phase(state, 1_060)).toBe("closed");
  });

  it("re-opens on a failed probe with a doubled, capped cool-down", () => {
    let state = openCircuit(0);
    let now = 1_000;
    const coolDowns: number[] = [];
    for (let i = 0; i < 5; i++) {
      state = router.recordAttempt(state, R, now);
      state = router.recordFailure(state, R, now);
      const until = healthOf(state, R).openUntil ?? 0;
      coolDowns.push(until - now);
      expect(phase(state, until - 1)).toBe("open");
      expect(phase(state, until)).toBe("half-open");
      now = until;
    }
    expect(coolDowns).toEqual([2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it("ignores late outcomes while open: the cool-down runs its course", () => {
    let state = openCircuit(0);
    state = router.recordSuccess(state, R, 25, 500);
    expect(phase(state, 500)).toBe("open");
    state = router.recordFailure(state, R, 600);
    expect(healthOf(state, R).openUntil).toBe(1_000);
    // ... but the latency sample is kept.
    expect(healthOf(state, R).latency?.ewmaMs).toBe(25);
  });

  it("needs halfOpenSuccesses probes to close when configured so", () => {
    const strict = createGeoRouter({
      catalog: EXAMPLE_PRODUCTION_CATALOG,
      defaultRegionId: "eu-west",
      breaker: { failureThreshold: 1, coolDownMs: 100, halfOpenSuccesses: 2 },
    });
    let state = strict.recordFailure(strict.initialState(), R, 0);
    state = strict.recordSuccess(strict.recordAttempt(state, R, 100), R, 5, 101);
    expect(circuitPhase(healthOf(state, R), 101)).toBe("half-open");
    state = strict.recordSuccess(strict.recordAttempt(state, R, 102), R, 5, 103);
    expect(circuitPhase(healthOf(state, R), 103)).toBe("closed");
  });

  it("never mutates the state it is given", () => {
    const state = openCircuit(0);
    const snapshot = JSON.stringify(state);
    router.recordFailure(state, R, 1_000);
    router.recordSuccess(state, R, 10, 1_000);
    router.recordAttempt(state, R, 1_000);
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it("throws typed errors for unknown regions and bad options", () => {
    expect(() => router.recordFailure(router.initialState(), "mars", 0)).toThrow(
      UnknownRegionError,
    );
    expect(() =>
      createGeoRouter({ catalog: EXAMPLE_PRODUCTION_CATALOG, defaultRegionId: "mars" }),
    ).toThrow(UnknownRegionError);
    try {
      createGeoRouter({
        catalog: EXAMPLE_PRODUCTION_CATALOG,
        defaultRegionId: "eu-west",
        breaker: { failureThreshold: 0, maxCoolDownMs: 1, coolDownMs: 10 },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GeoRouterError);
      expect((error as GeoRouterError).code).toBe("invalid_router_options");
      expect((error as GeoRouterError).message).toMatch(/failureThreshold/);
    }
  });
});
