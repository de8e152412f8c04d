// Ranking and failover order.
import { describe, expect, it } from "vitest";
import { EXAMPLE_PRODUCTION_CATALOG, localRegionCatalog } from "./catalogs.ts";
import { clientLocationFromCf } from "./client-location.ts";
import { createGeoRouter } from "./router.ts";
import type { RouterState } from "./state.ts";

const router = createGeoRouter({
  catalog: EXAMPLE_PRODUCTION_CATALOG,
  defaultRegionId: "us-east",
  breaker: { failureThreshold: 2, coolDownMs: 1_000 },
});
const PARIS = { lat: 48.8566, lon: 2.3522 };
const TOKYO = { lat: 35.6762, lon: 139.6503 };
const NEW_YORK = { lat: 40.7128, lon: -74.006 };
const ids = (candidates: readonly { region: { id: string } }[]) =>
  candidates.map((c) => c.region.id);

function fail(state: RouterState, regionId: string, times: number, now: number): RouterState {
  let next = state;
  for (let i = 0; i < times; i++) next = router.recordFailure(next, regionId, now);
  return next;
}

function measure(state: RouterState, regionId: string, ms: number, now: number): RouterState {
  let next = state;
  for (let i = 0; i < 5; i++) next = router.recordSuccess(next, regionId, ms, now);
  return next;
}

describe("ranking by distance", () => {
  it("puts the nearest region first with no latency evidence", () => {
    const state = router.initialState();
    expect(ids(router.chooseRegion(state, PARIS, 0))).toEqual([
      "eu-west",
      "us-east",
      "ap-southeast",
    ]);
    expect(ids(router.chooseRegion(state, TOKYO, 0))[0]).toBe("ap-southeast");
    expect(ids(router.chooseRegion(state, NEW_YORK, 0))[0]).toBe("us-east");
  });

  it("reports the evidence behind each place", () => {
    const [first] = router.chooseRegion(router.initialState(), PARIS, 0);
    expect(first?.tier).toBe("healthy");
    expect(first?.circuit).toBe("closed");
    expect(first?.locationSource).toBe("coordinates");
    expect(first?.distanceKm).toBeGreaterThan(400);
    expect(first?.distanceKm).toBeLessThan(500);
    expect(first?.observedRttMs).toBeNull();
    expect(first?.scoreMs).toBe(first?.estimatedRttMs);
  });

  it("uses the continent when cf has no coordinates", () => {
    const location = clientLocationFromCf({ continent: "AS", colo: "SIN" });
    const [first] = router.chooseRegion(router.initialState(), location, 0);
    expect(first?.region.id).toBe("ap-southeast");
    expect(first?.locationSource).toBe("continent");
  });

  it("falls back to the configured default region without any cf data", () => {
    for (const defaultRegionId of ["us-east", "ap-southeast"]) {
      const r = createGeoRouter({ catalog: EXAMPLE_PRODUCTION_CATALOG, defaultRegionId });
      const ranked = r.chooseRegion(r.initialState(), clientLocationFromCf(undefined), 0);
      expect(ranked[0]?.region.id).toBe(defaultRegionId);
      expect(ranked[0]?.locationSource).toBe("default-region");
    }
  });

  it("breaks exact ties towards the default region", () => {
    // Both local regions at one point: same distance, same (no) evidence.
    const here = { lat: 0, lon: 0 };
    const catalog = localRegionCatalog().map((r) => ({ ...r, location: here }));
    for (const defaultRegionId of ["eu-west", "us-east"]) {
      const r = createGeoRouter({ catalog, defaultRegionId });
      expect(r.chooseRegion(r.initialState(), here, 0)[0]?.region.id).toBe(defaultRegionId);
    }
  });
});

describe("ranking with observed latency", () => {
  it("a far but fast region beats a near but slow one", () => {
    let state = measure(router.initialState(), "eu-west", 400, 0);
    state = measure(state, "us-east", 80, 0);
    expect(ids(router.chooseRegion(state, PARIS, 0))[0]).toBe("us-east");
  });

  it("a single sample counts for less than a steady run of them", () => {
    const once = router.recordSuccess(router.initialState(), "eu-west", 400, 0);
    const [one] = router.chooseRegion(once, PARIS, 0);
    const steady = measure(router.initialState(), "eu-west", 400, 0);
    const [many] = router.chooseRegion(steady, PARIS, 0).filter((c) => c.region.id === "eu-west");
    expect(one?.latencyWeight).toBeLessThan(many?.latencyWeight ?? 0);
  });

  it("old evidence fades back towards the distance estimate", () => {
    let state = measure(router.initialState(), "eu-west", 400, 0);
    state = measure(state, "us-east", 80, 0);
    expect(ids(router.chooseRegion(state, PARIS, 0))[0]).toBe("us-east");
    // Hours later, with no new samples, the near region gets its chance again.
    const later = 4 * 60 * 60 * 1000;
    expect(ids(router.chooseRegion(state, PARIS, later))[0]).toBe("eu-west");
  });

  it("the EWMA follows a region that speeds up", () => {
    let state = measure(router.initialState(), "eu-west", 400, 0);
    const eu = (ranked: ReturnType<typeof router.chooseRegion>) =>
      ranked.find((c) => c.region.id === "eu-west");
    const before = eu(router.chooseRegion(state, PARIS, 0))?.observedRttMs ?? 0;
    expect(before).toBe(400);
    state = measure(state, "eu-west", 20, 1);
    const after = eu(router.chooseRegion(state, PARIS, 1));
    expect(after?.observedRttMs).toBeLessThan(before);
    expect(after?.observedRttMs).toBeGreaterThan(20);
  });
});

describe("failover order", () => {
  it("healthy first, then degraded, then open circuits last", () => {
    let state = fail(router.initialState(), "eu-west", 2, 0); // open
    state = fail(state, "us-east", 1, 0); // degraded (one failure)
    const ranked = router.chooseRegion(state, PARIS, 10);
    expect(ids(ranked)).toEqual(["ap-southeast", "us-east", "eu-west"]);
    expect(ranked.map((c) => c.tier)).toEqual(["healthy", "degraded", "unavailable"]);
  });

  it("can exclude unavailable regions entirely", () => {
    const excluding = createGeoRouter({
      catalog: EXAMPLE_PRODUCTION_CATALOG,
      defaultRegionId: "eu-west",
      breaker: { failureThreshold: 1 },
      unavailable: "exclude",
    });
    const state = excluding.recordFailure(excluding.initialState(), "eu-west", 0);
    expect(ids(excluding.chooseRegion(state, PARIS, 1))).toEqual(["us-east", "ap-southeast"]);
  });

  it("a cooled-down region comes back as degraded for one probe, then healthy on success", () => {
    let state = fail(router.initialState(), "eu-west", 2, 0);
    expect(router.chooseRegion(state, PARIS, 999).at(-1)?.region.id).toBe("eu-west");
    let ranked = router.chooseRegion(state, PARIS, 1_000);
    expect(ranked.find((c) => c.region.id === "eu-west")?.circuit).toBe("half-open");
    expect(ids(ranked)).toEqual(["us-east", "ap-southeast", "eu-west"]);
    state = router.recordAttempt(state, "eu-west", 1_000);
    state = router.recordSuccess(state, "eu-west", 30, 1_020);
    ranked = router.chooseRegion(state, PARIS, 1_020);
    expect(ids(ranked)[0]).toBe("eu-west");
  });

  it("when every region is open they are all still listed, nearest first", () => {
    let state = router.initialState();
    for (const region of EXAMPLE_PRODUCTION_CATALOG) state = fail(state, region.id, 2, 0);
    const ranked = router.chooseRegion(state, TOKYO, 1);
    expect(ids(ranked)[0]).toBe("ap-southeast");
    expect(ranked.every((c) => c.tier === "unavailable")).toBe(true);
  });
});

describe("state persistence", () => {
  // JSON is the stricter of the two encodings a DO may use (storage uses structured clone).
  it("survives a JSON round trip unchanged", () => {
    let state = fail(router.initialState(), "eu-west", 2, 0);
    state = measure(state, "us-east", 90, 0);
    const viaJson = router.restoreState(JSON.parse(JSON.stringify(state)));
    expect(viaJson).toEqual(state);
    expect(router.chooseRegion(viaJson, PARIS, 5)).toEqual(router.chooseRegion(state, PARIS, 5));
  });

  it("starts fresh from anything that is not a valid state, and drops unknown regions", () => {
    expect(router.restoreState(undefined)).toEqual(router.initialState());
    expect(router.restoreState({ version: 99, regions: {} })).toEqual(router.initialState());
    const state = fail(router.initialState(), "eu-west", 1, 0);
    const withStranger = {
      ...state,
      regions: { ...state.regions, mars: state.regions["eu-west"] },
    };
    expect(Object.keys(router.restoreState(withStranger).regions)).toEqual(["eu-west"]);
  });
});

describe("sticky regions", () => {
  it("keep a healthy region first even when another scores better", () => {
    let state = measure(router.initialState(), "eu-west", 400, 0);
    state = measure(state, "us-east", 80, 0);
    expect(ids(router.chooseRegion(state, PARIS, 0))[0]).toBe("us-east");
    const sticky = router.chooseRegion(state, PARIS, 0, { stickTo: "eu-west" });
    expect(ids(sticky)).toEqual(["eu-west", "us-east", "ap-southeast"]);
  });

  it("let go of a region as soon as it is not healthy", () => {
    const state = fail(router.initialState(), "eu-west", 1, 0); // degraded
    expect(ids(router.chooseRegion(state, PARIS, 1, { stickTo: "eu-west" }))[0]).toBe("us-east");
  });

  it("ignore an unknown region", () => {
    const plain = ids(router.chooseRegion(router.initialState(), TOKYO, 0));
    expect(ids(router.chooseRegion(router.initialState(), TOKYO, 0, { stickTo: "mars" }))).toEqual(
      plain,
    );
  });
});

describe("failback to the home region", () => {
  const failback = { stickTo: "us-east", failbackAfterMs: 5_000 };

  it("stays on the region it failed over to until home's last failure is old enough", () => {
    // Paris' home is eu-west; it failed at t=0 and the region outbox moved to us-east.
    let state = fail(router.initialState(), "eu-west", 1, 0);
    state = measure(state, "us-east", 80, 1);
    expect(ids(router.chooseRegion(state, PARIS, 4_999, failback))[0]).toBe("us-east");
    // Then home is tried first (the probe), the current region right behind it.
    expect(ids(router.chooseRegion(state, PARIS, 5_000, failback)).slice(0, 2)).toEqual([
      "eu-west",
      "us-east",
    ]);
  });

  it("restarts the wait when the probe fails, and never probes through an open breaker", () => {
    let state = fail(router.initialState(), "eu-west", 1, 0);
    state = router.recordFailure(state, "eu-west", 5_000); // the probe failed: 2 failures, open
    expect(ids(router.chooseRegion(state, PARIS, 9_999, failback))[0]).toBe("us-east");
    // Cool-down (1 s) is over but the last failure is only 4.999 s old: still the current region.
    expect(ids(router.chooseRegion(state, PARIS, 9_999, failback))[0]).toBe("us-east");
    // Open breaker (cool-down running) beats the clock: no probe while unavailable.
    const open = fail(state, "eu-west", 1, 20_000);
    expect(ids(router.chooseRegion(open, PARIS, 20_500, failback))[0]).toBe("us-east");
  });

  it("goes home for good once home answers: the sticky region is home again", () => {
    let state = fail(router.initialState(), "eu-west", 1, 0);
    state = router.recordSuccess(state, "eu-west", 20, 6_000);
    expect(
      ids(router.chooseRegion(state, PARIS, 6_001, { ...failback, stickTo: "eu-west" }))[0],
    ).toBe("eu-west");
  });

  it("moves by distance, never by latency: a slower but healthy home still wins it back", () => {
    let state = measure(router.initialState(), "eu-west", 400, 0);
    state = measure(state, "us-east", 80, 0);
    expect(ids(router.chooseRegion(state, PARIS, 0, failback))[0]).toBe("eu-west");
    expect(ids(router.chooseRegion(state, PARIS, 0, { stickTo: "us-east" }))[0]).toBe("us-east");
  });

  it("leaves a conversation already at home alone, and is off without failbackAfterMs", () => {
    const state = fail(router.initialState(), "eu-west", 1, 0);
    expect(ids(router.chooseRegion(state, NEW_YORK, 60_000, failback))[0]).toBe("us-east");
    expect(ids(router.chooseRegion(state, PARIS, 60_000, { stickTo: "us-east" }))[0]).toBe(
      "us-east",
    );
  });

  it("reads states stored before lastFailureAt existed", () => {
    const state = fail(router.initialState(), "eu-west", 1, 0);
    const { lastFailureAt: _, ...old } = state.regions["eu-west"]!;
    const restored = router.restoreState({ ...state, regions: { "eu-west": old } });
    expect(restored.regions["eu-west"]?.lastFailureAt).toBe(null);
  });
});
