import { describe, expect, it } from "vitest";
import {
  BREAKER,
  CLOSED,
  flushDueAt,
  pickHealthy,
  recordFailure,
  recordSuccess,
} from "./policy.ts";

describe("outbox policy", () => {
  const policy = { batchSize: 10, maxAgeMs: 500 };

  it("flushes a full batch at once, a partial one when its oldest event is old enough", () => {
    expect(
      flushDueAt({ count: 0, oldestCreatedAt: undefined, retryAt: undefined }, policy, 0),
    ).toBe(undefined);
    expect(flushDueAt({ count: 10, oldestCreatedAt: 100, retryAt: undefined }, policy, 200)).toBe(
      200,
    );
    expect(flushDueAt({ count: 3, oldestCreatedAt: 100, retryAt: undefined }, policy, 200)).toBe(
      600,
    );
  });

  it("waits for the retry time after a failure", () => {
    expect(flushDueAt({ count: 30, oldestCreatedAt: 100, retryAt: 9000 }, policy, 200)).toBe(9000);
  });

  it("opens a breaker after repeated failures and closes it on success", () => {
    let state = CLOSED;
    for (let i = 0; i < BREAKER.threshold - 1; i++) state = recordFailure(state, 1000);
    expect(state.openUntil).toBe(0);
    state = recordFailure(state, 1000);
    expect(state.openUntil).toBe(1000 + BREAKER.cooldownMs);
    expect(recordSuccess()).toEqual(CLOSED);
  });

  it("picks the first healthy region, else the one reopening soonest", () => {
    const regions = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const states: Record<string, { failures: number; openUntil: number }> = {
      a: { failures: 3, openUntil: 5000 },
      b: { failures: 0, openUntil: 0 },
      c: { failures: 3, openUntil: 4000 },
    };
    expect(pickHealthy(regions, (id) => states[id]!, 1000)?.id).toBe("b");
    states.b = { failures: 3, openUntil: 4500 };
    expect(pickHealthy(regions, (id) => states[id]!, 1000)?.id).toBe("c");
    expect(pickHealthy([], () => CLOSED, 0)).toBeUndefined();
  });
});
