// Pure grouping of writes into single-partition batches: items of one partition key go together,
// in their given order, split so no batch exceeds a statement count or an estimated byte size.
// Cassandra refuses a batch above batch_size_fail_threshold (50 KiB by default) and gains nothing
// from huge ones, so the bounds stay well below it.

export interface BatchLimits {
  maxStatements: number;
  maxBytes: number;
}

/** Default bounds: under half of Cassandra's default 50 KiB fail threshold. */
export const BATCH_LIMITS: BatchLimits = { maxStatements: 64, maxBytes: 20_000 };

export function batchesByPartition<T>(
  items: readonly T[],
  partitionOf: (item: T) => string,
  sizeOf: (item: T) => number,
  limits: BatchLimits = BATCH_LIMITS,
): T[][] {
  const open = new Map<string, { items: T[]; bytes: number }>();
  const batches: T[][] = [];
  for (const item of items) {
    const key = partitionOf(item);
    const size = sizeOf(item);
    let current = open.get(key);
    if (
      current &&
      (current.items.length >= limits.maxStatements || current.bytes + size > limits.maxBytes)
    ) {
      current = undefined;
    }
    if (!current) {
      current = { items: [], bytes: 0 };
      open.set(key, current);
      batches.push(current.items);
    }
    current.items.push(item);
    current.bytes += size;
  }
  return batches;
}

/**
 * Keys for one multi-partition `IN` read: the coordinator fans out to the partitions, so a list of
 * N conversations is one request instead of N; bounded so no single request grows without limit.
 */
export const MAX_IN_KEYS = 100;

export function chunks<T>(items: readonly T[], size = MAX_IN_KEYS): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
