// The one place the outbox chooses a region. Until @edge-chat/geo-router lands this is preference
// order plus the circuit breaker; swapping in the geo-router's ranking changes only this file.
import type { RegionConfig } from "../config.ts";
import { type BreakerState, pickHealthy } from "./policy.ts";

export function chooseRegion(
  regions: RegionConfig[],
  breakers: (id: string) => BreakerState,
  now: number,
): RegionConfig | undefined {
  return pickHealthy(regions, breakers, now);
}
