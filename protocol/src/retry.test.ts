import { describe, expect, it } from "vitest";
import { ChatError } from "./errors.ts";
import { backoffDelay, withRetry } from "./retry.ts";

const policy = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000, maxAttempts: 4 };

describe("backoffDelay", () => {
  it("grows exponentially within [base/2, base] and respects the cap", () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
  });
});

describe("withRetry", () => {
  const noSleep = async () => {};

  it("retries retriable failures until success", async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new ChatError("unavailable", "down");
        return "ok";
      },
      { policy, sleep: noSleep },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("stops at once on a non-retriable error", async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new ChatError("forbidden", "no");
      },
      { policy, sleep: noSleep },
    );
    await expect(failing).rejects.toMatchObject({ code: "forbidden" });
    expect(calls).toBe(1);
  });

  it("gives up after maxAttempts and honours retryAfterMs hints", async () => {
    const slept: number[] = [];
    const failing = withRetry(
      async () => {
        throw new ChatError("rate_limited", "slow", { retryAfterMs: 5000 });
      },
      { policy, sleep: async (ms) => void slept.push(ms), random: () => 0 },
    );
    await expect(failing).rejects.toMatchObject({ code: "rate_limited" });
    expect(slept).toEqual([5000, 5000, 5000]);
  });
});
