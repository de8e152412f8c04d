import { describe, expect, it } from "vitest";
import { batchesByPartition } from "./batches.ts";

describe("batchesByPartition", () => {
  const limits = { maxStatements: 3, maxBytes: 100 };

  it("groups items by partition, keeping each partition's order", () => {
    const items = ["a1", "b1", "a2", "b2", "a3"];
    expect(
      batchesByPartition(
        items,
        (i) => i[0]!,
        () => 1,
        limits,
      ),
    ).toEqual([
      ["a1", "a2", "a3"],
      ["b1", "b2"],
    ]);
  });

  it("splits a partition's items by statement count and by size", () => {
    const items = Array.from({ length: 7 }, (_, i) => `a${i}`);
    expect(
      batchesByPartition(
        items,
        () => "a",
        () => 1,
        limits,
      ),
    ).toEqual([["a0", "a1", "a2"], ["a3", "a4", "a5"], ["a6"]]);
    expect(
      batchesByPartition(
        items.slice(0, 3),
        () => "a",
        () => 60,
        limits,
      ),
    ).toEqual([["a0"], ["a1"], ["a2"]]);
  });

  it("gives an oversized item a batch of its own", () => {
    expect(
      batchesByPartition(
        ["a", "b"],
        () => "p",
        () => 500,
        limits,
      ),
    ).toEqual([["a"], ["b"]]);
  });
});
