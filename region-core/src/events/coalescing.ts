// Group commit for an event-log publisher: while one send is in flight, later publish() calls
// queue up, and the next send carries all of them in one request (in call order, so each key's
// records keep their order). This is what a client with a linger setting does by itself; kafkajs's
// idempotent producer allows one request in flight, so without it concurrent ingest requests would
// each wait for a whole round trip of their own. Each caller resolves (or fails) with the send that
// carried its records. No I/O here beyond the `send` it is given.
import type { EventPublisher, OutgoingRecord } from "./ports.ts";

export interface CoalescingLimits {
  /** Records per merged send. */
  maxRecords: number;
  /** Approximate bytes per merged send (keys + values), kept under the broker's request limits. */
  maxBytes: number;
}

export const COALESCING_LIMITS: CoalescingLimits = { maxRecords: 5_000, maxBytes: 768 * 1024 };

interface Waiting {
  records: readonly OutgoingRecord[];
  bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

export function coalescingPublisher(
  send: (records: readonly OutgoingRecord[]) => Promise<void>,
  limits: CoalescingLimits = COALESCING_LIMITS,
): EventPublisher {
  const queue: Waiting[] = [];
  let draining = false;

  async function drain(): Promise<void> {
    draining = true;
    while (queue.length > 0) {
      const group = takeGroup(queue, limits);
      try {
        await send(group.flatMap((waiting) => waiting.records));
        for (const waiting of group) waiting.resolve();
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    draining = false;
  }

  return {
    publish(records) {
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ records, bytes: sizeOf(records), resolve, reject });
        if (!draining) void drain();
      });
    },
  };
}

/** The longest prefix of whole publish() calls within the limits (at least one call). */
function takeGroup(queue: Waiting[], limits: CoalescingLimits): Waiting[] {
  let records = 0;
  let bytes = 0;
  let count = 0;
  for (const waiting of queue) {
    const fits =
      records + waiting.records.length <= limits.maxRecords &&
      bytes + waiting.bytes <= limits.maxBytes;
    if (count > 0 && !fits) break;
    records += waiting.records.length;
    bytes += waiting.bytes;
    count++;
  }
  return queue.splice(0, count);
}

function sizeOf(records: readonly OutgoingRecord[]): number {
  let bytes = 0;
  for (const record of records) {
    bytes += record.key.length + 64;
    if (typeof record.value === "string") bytes += record.value.length;
    else if (record.value) bytes += record.value.byteLength;
  }
  return bytes;
}
