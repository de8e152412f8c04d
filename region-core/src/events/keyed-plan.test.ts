import { describe, expect, it } from "vitest";
import { committableOffset, deadLetterHeaders, groupByKey, runBounded } from "./keyed-plan.ts";

describe("groupByKey", () => {
  it("keeps order within each key", () => {
    const items = [
      { k: "a", o: 1 },
      { k: "b", o: 2 },
      { k: "a", o: 3 },
      { k: "c", o: 4 },
      { k: "b", o: 5 },
    ];
    expect(groupByKey(items, (i) => i.k).map((g) => g.map((i) => i.o))).toEqual([
      [1, 3],
      [2, 5],
      [4],
    ]);
  });
});

describe("committableOffset", () => {
  const offsets = ["10", "11", "12", "13"];
  it("commits the longest done prefix only", () => {
    expect(committableOffset(offsets, new Set(["10", "11", "13"]))).toBe("11");
    expect(committableOffset(offsets, new Set(offsets))).toBe("13");
  });
  it("commits nothing when the first record is not done", () => {
    expect(committableOffset(offsets, new Set(["11", "12", "13"]))).toBeNull();
  });
});

describe("runBounded", () => {
  it("never runs more than the limit at once, and runs everything", async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const gates: Array<() => void> = [];
    const work = runBounded([1, 2, 3, 4, 5], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      seen.push(n);
      running--;
    });
    while (seen.length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    await work;
    expect(peak).toBe(2);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("deadLetterHeaders", () => {
  it("labels dead letters with their source and reason", () => {
    expect(
      deadLetterHeaders({
        topic: "t",
        partition: 3,
        offset: "42",
        reason: "bad",
        code: "invalid_request",
      }),
    ).toEqual({
      "x-dlq-reason": "bad",
      "x-dlq-code": "invalid_request",
      "x-dlq-source-topic": "t",
      "x-dlq-source-partition": "3",
      "x-dlq-source-offset": "42",
    });
  });
});
