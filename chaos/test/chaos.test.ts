// The short chaos set: every scenario once, with a few hundred messages, on one system. Each must
// keep every acknowledged message exactly once, in its order, in every datacenter and in every
// member's session. No timed assertion: recovery_ms is printed, not checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHORT } from "../src/options.ts";
import { runScenario } from "../src/scenario.ts";
import { SCENARIOS } from "../src/scenarios/index.ts";
import { chaosServices } from "../src/services.ts";
import { type ChaosSystem, startChaosSystem } from "../src/system.ts";

let system: ChaosSystem;
beforeAll(async () => {
  system = await startChaosSystem(await chaosServices());
});
afterAll(async () => {
  await system?.stop();
});

describe("chaos (short)", () => {
  for (const scenario of SCENARIOS.filter((s) => !s.slow || process.env.CHAOS_SLOW === "1")) {
    const name = `${scenario.name}: nothing acknowledged is lost, doubled or reordered`;
    it(name, { retry: scenario.retries ?? 0 }, async () => {
      const result = await runScenario(scenario, system, SHORT, () => {});
      console.log(JSON.stringify(result));
      expect(result.acked).toBe(SHORT.messages);
      expect(result).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
      expect(result.stored).toBe(result.acked);
      // A scenario whose recovery never came reports -1 (region-down: a conversation never returned).
      expect(result.recovery_ms).toBeGreaterThanOrEqual(0);
      expect(result.detail?.publish_inversions ?? 0).toBe(0);
    });
  }
});
