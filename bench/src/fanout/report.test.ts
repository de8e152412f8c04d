import { describe, expect, it } from "vitest";
import { combine, combineRounds, fanoutLine, lineProblems, quantile } from "./report.ts";

const report = (latencies: number[], unique: number, at: number[] = []) => ({
  threadId: 0,
  sentAt: Float64Array.from(at.map(() => 0)),
  firstAt: Float64Array.from(at),
  lastAt: Float64Array.from(at.map((t) => t + 1)),
  frameChars: unique * 100,
  latencies: Float64Array.from(latencies),
  sendLag: Float64Array.from([0, 1]),
  unique,
  duplicates: 0,
  errors: 0,
  frames: unique,
  elu: 0.2,
  cpuMs: 100,
  wallMs: 1000,
});

describe("fan-out figures", () => {
  it("quantiles by nearest rank", () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.99)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it("tells a message's own delay from its broadcast tail, across threads", () => {
    // Message 0: first at 5 (thread 1), last at 21 (thread 2); message 1 reached only thread 1.
    const side = combine([report([], 0, [5, 7]), report([], 0, [20, Number.NaN])]);
    expect(side.firstP99).toBe(7);
    expect(side.spreadP99).toBe(16);
    expect(side.slowest).toEqual([
      [1, 7],
      [0, 5],
    ]);
  });

  it("pools rounds: every delivery, messages numbered on across rounds, wall time summed", () => {
    // Round 1: messages 0-1 (one thread); round 2: its message 1 is the slowest, case message 3.
    const side = combineRounds([[report([1, 2], 2, [5, 7])], [report([3, 40], 2, [4, 9])]]);
    expect(side).toMatchObject({ p50: 3, p99: 40, deliveries: 4, driverCpuPct: 10 });
    expect(side.slowest).toEqual([
      [3, 9],
      [1, 7],
      [0, 5],
    ]);
    const line = fanoutLine(
      { members: 1, rate: 10, delivered: false, count: 4, rounds: 2 },
      side,
      side,
    );
    expect(line).toMatchObject({ rounds: 2, expected: 4, ratio_p99: 1 });
  });

  it("combines threads and makes a well-formed line", () => {
    const product = combine([report([1, 2, 3], 3), report([10], 1)]);
    const floor = combine([report([1, 1, 1, 2], 4)]);
    expect(product).toMatchObject({ p50: 3, p99: 10, deliveries: 4, driverCpuPct: 20 });
    const line = fanoutLine({ members: 2, rate: 10, delivered: false, count: 2 }, product, floor);
    expect(line).toMatchObject({
      expected: 4,
      deliveries: 4,
      ratio_p99: 5,
      driver_saturated: false,
    });
    expect(lineProblems(line)).toEqual([]);
    expect(line).toMatchObject({ frame_chars: 100, first_p99_ms: null });
    expect(lineProblems({ ...line, p99_ms: "x" })).toEqual(["p99_ms"]);
  });
});
