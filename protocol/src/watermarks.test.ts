import { describe, expect, it } from "vitest";
import { mergeWatermarks, readImpliesDelivered, type Watermarks } from "./watermarks.ts";

const marks = (deliveredUpTo: number, readUpTo: number): Watermarks => ({
  deliveredUpTo,
  readUpTo,
});

describe("readImpliesDelivered", () => {
  it("raises delivered to read", () => {
    expect(readImpliesDelivered(marks(2, 5))).toEqual(marks(5, 5));
  });

  it("keeps the other fields and leaves consistent watermarks as they are", () => {
    const row = { userId: "bob", ...marks(7, 5) };
    expect(readImpliesDelivered(row)).toBe(row);
    expect(readImpliesDelivered({ userId: "bob", ...marks(1, 3) })).toEqual({
      userId: "bob",
      ...marks(3, 3),
    });
  });
});

describe("mergeWatermarks", () => {
  it("keeps the greater of each, then read implies delivered", () => {
    expect(mergeWatermarks(marks(4, 1), marks(2, 3))).toEqual(marks(4, 3));
    expect(mergeWatermarks(marks(2, 0), marks(0, 6))).toEqual(marks(6, 6));
  });

  it("is commutative, associative and idempotent", () => {
    const values = [marks(0, 0), marks(3, 1), marks(2, 5), marks(9, 9), marks(4, 0)];
    for (const a of values) {
      expect(mergeWatermarks(a, a)).toEqual(readImpliesDelivered(a));
      for (const b of values) {
        expect(mergeWatermarks(a, b)).toEqual(mergeWatermarks(b, a));
        for (const c of values) {
          expect(mergeWatermarks(mergeWatermarks(a, b), c)).toEqual(
            mergeWatermarks(a, mergeWatermarks(b, c)),
          );
        }
      }
    }
  });
});
