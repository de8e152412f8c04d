import { describe, expect, it } from "vitest";
import { refill, takeAll, waitFor } from "./token-bucket.ts";

const policy = { perSec: 10, burst: 5 };

describe("token bucket", () => {
  it("starts full and refills at perSec up to burst", () => {
    expect(refill(undefined, policy, 1000)).toEqual({ tokens: 5, updatedAt: 1000 });
    expect(refill({ tokens: 0, updatedAt: 1000 }, policy, 1200).tokens).toBeCloseTo(2);
    expect(refill({ tokens: 4, updatedAt: 1000 }, policy, 9000).tokens).toBe(5);
  });

  it("never goes back in time", () => {
    expect(refill({ tokens: 1, updatedAt: 2000 }, policy, 1000)).toEqual({
      tokens: 1,
      updatedAt: 2000,
    });
  });

  it("allows a burst, then refuses with the wait until one token is back", () => {
    let bucket: { tokens: number; updatedAt: number } | undefined;
    for (let i = 0; i < 5; i++) {
      const r = takeAll([{ bucket, policy }], 0);
      expect(r.ok).toBe(true);
      if (r.ok) bucket = r.buckets[0];
    }
    const refused = takeAll([{ bucket, policy }], 0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 100 });
    expect(takeAll([{ bucket, policy }], 100).ok).toBe(true);
  });

  it("takes from all buckets or none", () => {
    const empty = { tokens: 0, updatedAt: 0 };
    const full = { tokens: 5, updatedAt: 0 };
    const r = takeAll(
      [
        { bucket: full, policy },
        { bucket: empty, policy: { perSec: 2, burst: 5 } },
      ],
      0,
    );
    expect(r).toEqual({ ok: false, retryAfterMs: 500 });
    expect(full.tokens).toBe(5);
  });

  it("waitFor is zero when a token is available", () => {
    expect(waitFor({ tokens: 1, updatedAt: 0 }, policy)).toBe(0);
    expect(waitFor({ tokens: 0.5, updatedAt: 0 }, policy)).toBe(50);
  });
});
