import { describe, expect, it } from "vitest";
import type { KvKey, TypedKv } from "./kv.ts";
import { RetryState } from "./retry-state.ts";

function memoryKv(): TypedKv & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: KvKey<T>) => values.get(key.name) as T | undefined,
    set: (key, value) => void values.set(key.name, value),
    delete: (key) => void values.delete(key.name),
  };
}

const policy = { initialDelayMs: 100, factor: 2, maxDelayMs: 1_000, maxAttempts: 10 };

describe("RetryState", () => {
  it("backs off after each failure, capped, and keeps it in storage under its scope", () => {
    const kv = memoryKv();
    const retry = new RetryState(kv, "outbox", policy);
    expect(retry.retryAt()).toBeUndefined();
    const delays = Array.from({ length: 6 }, () => retry.failed(10_000) - 10_000);
    for (const [i, delay] of delays.entries()) {
      expect(delay).toBeLessThanOrEqual(Math.min(1_000, 100 * 2 ** i));
    }
    expect(delays.at(-1)).toBeGreaterThan(0);
    expect(kv.values.get("outbox:attempts")).toBe(6);
    // A new object over the same storage (a wake-up after eviction) still waits.
    expect(new RetryState(kv, "outbox", policy).retryAt()).toBe(10_000 + delays.at(-1)!);
  });

  it("starts over after a success, and writes nothing when no retry was pending", () => {
    const kv = memoryKv();
    const retry = new RetryState(kv, "inbox", policy);
    retry.succeeded();
    expect(kv.values.size).toBe(0);
    retry.failed(0);
    retry.failed(0);
    retry.succeeded();
    expect(retry.retryAt()).toBeUndefined();
    expect(kv.values.size).toBe(0);
    expect(retry.failed(0)).toBeLessThanOrEqual(100);
  });
});
