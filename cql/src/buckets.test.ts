import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUCKET_SIZE,
  bucketOf,
  bucketsForPage,
  MAX_PAGE_LIMIT,
  type PagePlan,
  seqRangeOfBucket,
} from "./buckets.ts";
import { CqlError } from "./errors.ts";

/** Every seq a plan reads, in the order its rows come back (ranges in order, rows in `order`). */
function seqsOf(plan: PagePlan): number[] {
  return plan.ranges.flatMap((r) =>
    Array.from({ length: r.maxSeq - r.minSeq + 1 }, (_, i) =>
      plan.order === "desc" ? r.maxSeq - i : r.minSeq + i,
    ),
  );
}

describe("bucketOf", () => {
  it("puts seq 1..BUCKET_SIZE in bucket 0 and moves on at the boundary", () => {
    expect(BUCKET_SIZE).toBe(1000);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1000)).toBe(0);
    expect(bucketOf(1001)).toBe(1);
    expect(bucketOf(2_500_000)).toBe(2499);
  });

  it("agrees with seqRangeOfBucket", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (seq) => {
        const { minSeq, maxSeq } = seqRangeOfBucket(bucketOf(seq));
        expect(seq).toBeGreaterThanOrEqual(minSeq);
        expect(seq).toBeLessThanOrEqual(maxSeq);
        expect(maxSeq - minSeq + 1).toBe(BUCKET_SIZE);
      }),
    );
  });

  it("rejects seqs that cannot exist", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => bucketOf(bad)).toThrow(CqlError);
    }
  });
});

describe("bucketsForPage", () => {
  it("plans a page before a seq across a bucket boundary, newest first", () => {
    expect(bucketsForPage({ beforeSeq: 1005, limit: 10 })).toEqual({
      order: "desc",
      ranges: [
        { bucket: 1, minSeq: 1001, maxSeq: 1004 },
        { bucket: 0, minSeq: 995, maxSeq: 1000 },
      ],
    });
  });

  it("stops at seq 1", () => {
    expect(bucketsForPage({ beforeSeq: 3, limit: 50 }).ranges).toEqual([
      { bucket: 0, minSeq: 1, maxSeq: 2 },
    ]);
    expect(bucketsForPage({ beforeSeq: 1, limit: 50 }).ranges).toEqual([]);
  });

  it("plans a page after a seq, oldest first, clamped to the latest seq", () => {
    expect(bucketsForPage({ afterSeq: 998, limit: 5 })).toEqual({
      order: "asc",
      ranges: [
        { bucket: 0, minSeq: 999, maxSeq: 1000 },
        { bucket: 1, minSeq: 1001, maxSeq: 1003 },
      ],
    });
    expect(bucketsForPage({ afterSeq: 0, limit: 100, latestSeq: 7 }).ranges).toEqual([
      { bucket: 0, minSeq: 1, maxSeq: 7 },
    ]);
    expect(bucketsForPage({ afterSeq: 7, limit: 100, latestSeq: 7 }).ranges).toEqual([]);
  });

  it("rejects bad limits and seqs with a typed error", () => {
    const bad = [
      { beforeSeq: 10, limit: 0 },
      { beforeSeq: 10, limit: MAX_PAGE_LIMIT + 1 },
      { beforeSeq: 0, limit: 10 },
      { afterSeq: -1, limit: 10 },
      { afterSeq: 1, limit: 10, latestSeq: -5 },
    ];
    for (const request of bad) {
      try {
        bucketsForPage(request);
        expect.unreachable();
      } catch (error) {
        expect((error as CqlError).code).toBe("invalid_page_request");
      }
    }
  });

  it("property: a before-page is exactly the `limit` seqs below beforeSeq, newest first", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: MAX_PAGE_LIMIT }),
        (beforeSeq, limit) => {
          const plan = bucketsForPage({ beforeSeq, limit });
          const expected: number[] = [];
          for (let seq = beforeSeq - 1; seq >= Math.max(1, beforeSeq - limit); seq--) {
            expected.push(seq);
          }
          expect(seqsOf(plan)).toEqual(expected);
          for (const range of plan.ranges) {
            expect(bucketOf(range.minSeq)).toBe(range.bucket);
            expect(bucketOf(range.maxSeq)).toBe(range.bucket);
          }
          // A page never spans more buckets than it must.
          expect(plan.ranges.length).toBeLessThanOrEqual(Math.ceil(limit / BUCKET_SIZE) + 1);
        },
      ),
    );
  });

  it("property: an after-page is exactly the seqs above afterSeq up to limit and latestSeq", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: MAX_PAGE_LIMIT }),
        fc.option(fc.integer({ min: 0, max: 10_002_000 }), { nil: undefined }),
        (afterSeq, limit, latestSeq) => {
          const plan = bucketsForPage(
            latestSeq === undefined ? { afterSeq, limit } : { afterSeq, limit, latestSeq },
          );
          const last = Math.min(afterSeq + limit, latestSeq ?? Number.POSITIVE_INFINITY);
          const expected: number[] = [];
          for (let seq = afterSeq + 1; seq <= last; seq++) expected.push(seq);
          expect(seqsOf(plan)).toEqual(expected);
        },
      ),
    );
  });
});
