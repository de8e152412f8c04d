// Message buckets: messages_by_conversation is partitioned by (conversation_id, bucket) with a
// fixed number of sequence numbers per bucket. seq is gapless per conversation, so the bucket of a
// seq and the buckets a page spans are pure arithmetic: no scan, no index. Pure, no I/O.
import { CqlError } from "./errors.ts";

/**
 * Sequence numbers per bucket (see migrations/0003_messages.cql for why 1000). Fixed forever for
 * existing data: a different size needs a new table.
 */
export const BUCKET_SIZE = 1000;

/** Largest page the planners accept; keeps one request's fan-out small. */
export const MAX_PAGE_LIMIT = 1000;

/** The bucket of a sequence number: seq 1..1000 → 0, 1001..2000 → 1, ... */
export function bucketOf(seq: number): number {
  assertSeq(seq, "seq", 1);
  return Math.floor((seq - 1) / BUCKET_SIZE);
}

/** The first and last seq a bucket can hold. */
export function seqRangeOfBucket(bucket: number): { minSeq: number; maxSeq: number } {
  if (!Number.isSafeInteger(bucket) || bucket < 0) {
    throw new CqlError(
      "invalid_page_request",
      `bucket must be a non-negative integer, got ${bucket}`,
    );
  }
  return { minSeq: bucket * BUCKET_SIZE + 1, maxSeq: (bucket + 1) * BUCKET_SIZE };
}

/** One single-partition query: seqs minSeq..maxSeq (inclusive) of one bucket. */
export interface BucketRange {
  readonly bucket: number;
  readonly minSeq: number;
  readonly maxSeq: number;
}

/** The queries for one page, in the order to run them and concatenate their rows. */
export interface PagePlan {
  /** "desc": newest first (scrolling back); "asc": oldest first (catching up). */
  readonly order: "asc" | "desc";
  readonly ranges: readonly BucketRange[];
}

export type PageRequest =
  /** The `limit` messages just before `beforeSeq` (exclusive), newest first. */
  | { readonly beforeSeq: number; readonly limit: number }
  /**
   * The `limit` messages just after `afterSeq` (exclusive), oldest first. `latestSeq`, when known,
   * stops the plan at the conversation's last message instead of planning empty buckets.
   */
  | { readonly afterSeq: number; readonly limit: number; readonly latestSeq?: number };

/**
 * Plans a page as per-bucket seq ranges. Because seq is gapless, the seqs of the page are known
 * exactly, so each range is a bounded slice of one partition and the concatenation of the
 * ranges' rows, in order, is the page (fewer rows only where messages are not persisted yet).
 */
export function bucketsForPage(request: PageRequest): PagePlan {
  assertLimit(request.limit);
  if ("beforeSeq" in request) {
    assertSeq(request.beforeSeq, "beforeSeq", 1);
    const maxSeq = request.beforeSeq - 1;
    const minSeq = Math.max(1, request.beforeSeq - request.limit);
    return { order: "desc", ranges: maxSeq < 1 ? [] : split(minSeq, maxSeq).reverse() };
  }
  assertSeq(request.afterSeq, "afterSeq", 0);
  const minSeq = request.afterSeq + 1;
  let maxSeq = request.afterSeq + request.limit;
  if (request.latestSeq !== undefined) {
    assertSeq(request.latestSeq, "latestSeq", 0);
    maxSeq = Math.min(maxSeq, request.latestSeq);
  }
  return { order: "asc", ranges: maxSeq < minSeq ? [] : split(minSeq, maxSeq) };
}

/** Ascending per-bucket slices covering minSeq..maxSeq. */
function split(minSeq: number, maxSeq: number): BucketRange[] {
  const ranges: BucketRange[] = [];
  for (let bucket = bucketOf(minSeq); bucket <= bucketOf(maxSeq); bucket++) {
    const bounds = seqRangeOfBucket(bucket);
    ranges.push({
      bucket,
      minSeq: Math.max(minSeq, bounds.minSeq),
      maxSeq: Math.min(maxSeq, bounds.maxSeq),
    });
  }
  return ranges;
}

function assertSeq(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new CqlError("invalid_page_request", `${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new CqlError(
      "invalid_page_request",
      `limit must be an integer in 1..${MAX_PAGE_LIMIT}, got ${limit}`,
    );
  }
}
