import { describe, expect, it } from "vitest";
import { flushDueAt } from "./policy.ts";

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
});
