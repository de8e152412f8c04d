import { createGeoRouter, localRegionCatalog, type RouterState } from "@edge-chat/geo-router";
import { describe, expect, it } from "vitest";
import { failbackPause } from "./failback.ts";

const catalog = localRegionCatalog();
const router = createGeoRouter({ catalog, defaultRegionId: catalog[0]!.id });
const [home, other] = [catalog[0]!.id, catalog[1]!.id];
const rank = (state: RouterState, now: number, failbackAfterMs?: number) =>
  router.chooseRegion(state, {}, now, { stickTo: other, failbackAfterMs });

describe("failback", () => {
  // Home failed at t=0, the conversation moved to the other region; its last batch left at t=9,900.
  const state = router.recordSuccess(
    router.recordFailure(router.initialState(), home, 0),
    other,
    5,
    1,
  );
  const at = (now: number) => rank(state, now, 10_000);

  it("keeps the region failed over to until home's last failure is failbackAfterMs old", () => {
    expect(at(9_999)[0]?.region.id).toBe(other);
    expect(at(10_000)[0]?.region.id).toBe(home);
    expect(rank(state, 60_000)[0]?.region.id).toBe(other);
  });

  it("pauses the switch until the current region had drainMs since its last batch", () => {
    expect(failbackPause(at(10_000), other, 9_900, 2_000, 10_000)).toBe(11_900);
    expect(failbackPause(at(11_900), other, 9_900, 2_000, 11_900)).toBe(undefined);
    // No switch, or no batch yet: nothing to wait for.
    expect(failbackPause(at(9_999), other, 9_900, 2_000, 9_999)).toBe(undefined);
    expect(failbackPause(at(10_000), other, undefined, 2_000, 10_000)).toBe(undefined);
  });

  it("never pauses a failover: the region left behind is failing", () => {
    const failing = router.recordFailure(state, other, 10_000);
    const ranked = rank(failing, 10_001, 10_000);
    expect(ranked[0]?.region.id).toBe(home);
    expect(failbackPause(ranked, other, 9_900, 2_000, 10_001)).toBe(undefined);
  });
});
