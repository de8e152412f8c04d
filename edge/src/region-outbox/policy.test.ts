import { describe, expect, it } from "vitest";
import { flushDueAt } from "./policy.ts";

describe("outbox policy", () => {
  const lingering = { batchSize: 10, maxAgeMs: 500 };
  const eager = { batchSize: 10, maxAgeMs: 0 };

  it("has nothing due for an empty outbox", () => {
    const empty = { count: 0, oldestCreatedAt: undefined, retryAt: undefined };
    expect(flushDueAt(empty, lingering, 0)).toBe(undefined);
    expect(flushDueAt(empty, eager, 0)).toBe(undefined);
  });

  it("flushes a lone event at once by default (no linger): an idle conversation does not wait", () => {
    // Created long ago or just now: due now either way, not at created + some age.
    expect(flushDueAt({ count: 1, oldestCreatedAt: 200, retryAt: undefined }, eager, 200)).toBe(
      200,
    );
    expect(flushDueAt({ count: 3, oldestCreatedAt: 100, retryAt: undefined }, eager, 150)).toBe(
      150,
    );
  });

  it("with a linger: a full batch at once, a partial one when its oldest event is old enough", () => {
    expect(
      flushDueAt({ count: 10, oldestCreatedAt: 100, retryAt: undefined }, lingering, 200),
    ).toBe(200);
    expect(flushDueAt({ count: 3, oldestCreatedAt: 100, retryAt: undefined }, lingering, 200)).toBe(
      600,
    );
  });

  it("waits for the retry time after a failure, with or without a linger", () => {
    expect(flushDueAt({ count: 30, oldestCreatedAt: 100, retryAt: 9000 }, lingering, 200)).toBe(
      9000,
    );
    expect(flushDueAt({ count: 1, oldestCreatedAt: 100, retryAt: 9000 }, eager, 200)).toBe(9000);
  });
});
