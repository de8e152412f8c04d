// Pure planning for one consumed batch (keyed-batch.ts runs it): split it into per-key queues (order
// kept inside each, keys independent), run queues with bounded concurrency, work out which offset
// may be committed given which records are done, and label a record sent to a dead-letter topic.

/** Groups items by key, keeping each group's internal order and the groups' first-seen order. */
export function groupByKey<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/**
 * The highest offset that may be committed: the end of the longest prefix of the batch (in offset
 * order) whose records are all done. Null when the first record is not done.
 */
export function committableOffset(
  offsets: readonly string[],
  done: ReadonlySet<string>,
): string | null {
  let last: string | null = null;
  for (const offset of offsets) {
    if (!done.has(offset)) break;
    last = offset;
  }
  return last;
}

/** Runs `task` over items with at most `limit` running at once; resolves when all settle. */
export async function runBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Headers a dead-letter record carries, so an operator can see why and where it came from. */
export function deadLetterHeaders(source: {
  topic: string;
  partition: number;
  offset: string;
  reason: string;
  code: string;
}): Record<string, string> {
  return {
    "x-dlq-reason": source.reason.slice(0, 1000),
    "x-dlq-code": source.code,
    "x-dlq-source-topic": source.topic,
    "x-dlq-source-partition": String(source.partition),
    "x-dlq-source-offset": source.offset,
  };
}
