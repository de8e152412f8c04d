import { describe, expect, it } from "vitest";
import type { FlushOutcome } from "./flusher.ts";
import { OutboxPump } from "./pump.ts";

/** A pump over a counter of pending events; each flush is held until the test releases it. */
function harness() {
  let pending = 0;
  let settled = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const flushed: number[] = [];
  const gates: (() => void)[] = [];
  let outcome: "ok" | "failed" | "throw" = "ok";
  const pump = new OutboxPump({
    due: () => pending > 0,
    flush: async (): Promise<FlushOutcome> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const batch = pending;
      await new Promise<void>((resolve) => gates.push(resolve));
      inFlight--;
      if (outcome === "failed") return { kind: "failed", batches: 0, events: 0, retryAt: 1 };
      if (outcome === "throw") throw new Error("storage");
      pending -= batch;
      flushed.push(batch);
      return { kind: "flushed", batches: 1, events: batch };
    },
    settled: () => settled++,
  });
  const release = async () => {
    while (gates.length === 0) await Promise.resolve();
    gates.shift()!();
  };
  return {
    pump,
    flushed,
    add: (n: number) => {
      pending += n;
    },
    release,
    fail: (kind: "failed" | "throw") => {
      outcome = kind;
    },
    get settled() {
      return settled;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get pending() {
      return pending;
    },
  };
}

describe("OutboxPump", () => {
  it("sends what arrives during a flush as the next batch, one flush at a time", async () => {
    const h = harness();
    h.add(1);
    const run = h.pump.run();
    expect(h.pump.busy).toBe(true);
    h.add(3);
    // A second start (the alarm, another send) joins the run in flight.
    expect(h.pump.run()).toBe(run);
    await h.release();
    await h.release();
    await run;
    expect(h.flushed).toEqual([1, 3]);
    expect(h.maxInFlight).toBe(1);
    expect(h.pump.busy).toBe(false);
    expect(h.settled).toBe(1);
  });

  it("round() ends with the flush in flight, while the run goes on for what arrives", async () => {
    const h = harness();
    h.add(1);
    let roundEnded = false;
    const round = h.pump.round().then(() => {
      roundEnded = true;
    });
    h.add(2);
    await h.release();
    await round;
    expect(roundEnded).toBe(true);
    // The first flush is done; the second (the 2 that arrived) is still in flight.
    expect(h.flushed).toEqual([1]);
    expect(h.pump.busy).toBe(true);
    await h.release();
    await h.pump.run();
    expect(h.flushed).toEqual([1, 2]);
    await expect(h.pump.round()).resolves.toBeUndefined();
  });

  it("does nothing when nothing is due, and still reports the run settled", async () => {
    const h = harness();
    await h.pump.run();
    expect(h.flushed).toEqual([]);
    expect(h.settled).toBe(1);
  });

  it("ends the run on a failed flush, leaving the events for the alarm's retry", async () => {
    const h = harness();
    h.fail("failed");
    h.add(2);
    const run = h.pump.run();
    await h.release();
    await run;
    expect(h.pending).toBe(2);
    expect(h.settled).toBe(1);
  });

  it("never rejects when a flush throws; the events stay", async () => {
    const h = harness();
    h.fail("throw");
    h.add(2);
    const run = h.pump.run();
    await h.release();
    await expect(run).resolves.toBeUndefined();
    expect(h.pending).toBe(2);
    expect(h.pump.busy).toBe(false);
  });
});
