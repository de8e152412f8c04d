// An in-process, partitioned event log standing in for Kafka when ADAPTERS=embedded: records are
// routed to a partition by key hash, keep per-partition offsets, and consumer groups commit offsets
// so a restarted consumer resumes after the last commit (replaying what was resolved but not
// committed, exactly as Kafka would). Nothing survives the process: it is for development.
import type {
  BatchHandler,
  ConsumedBatch,
  ConsumedRecord,
  EventConsumer,
  EventPublisher,
  OutgoingRecord,
} from "./ports.ts";

interface StoredRecord {
  key: string;
  value: Uint8Array | null;
  headers: Record<string, string>;
}

/** A stable hash (FNV-1a) of the key: equal keys, equal partition, as Kafka's partitioner does. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

const encoder = new TextEncoder();

class Topic {
  readonly partitions: StoredRecord[][];
  readonly committed = new Map<string, number[]>();
  private waiters: Array<() => void> = [];

  constructor(partitionCount: number) {
    this.partitions = Array.from({ length: partitionCount }, () => []);
  }

  append(records: readonly OutgoingRecord[]): void {
    for (const record of records) {
      const value =
        record.value === null
          ? null
          : typeof record.value === "string"
            ? encoder.encode(record.value)
            : record.value;
      const partition = partitionOf(record.key, this.partitions.length);
      this.partitions[partition]!.push({ key: record.key, value, headers: record.headers ?? {} });
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when something is appended (or after `ms`, so stop() is noticed promptly). */
  waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  groupOffsets(groupId: string): number[] {
    let offsets = this.committed.get(groupId);
    if (!offsets) {
      offsets = this.partitions.map(() => 0);
      this.committed.set(groupId, offsets);
    }
    return offsets;
  }
}

export interface EmbeddedLogOptions {
  partitions: number;
  /** Most records handed to one batch, like Kafka's fetch size. */
  maxBatchRecords?: number;
}

/** The log itself; hand out publishers and consumers per topic and group. */
export class EmbeddedLog {
  private readonly topics = new Map<string, Topic>();
  private readonly options: Required<EmbeddedLogOptions>;

  constructor(options: EmbeddedLogOptions) {
    this.options = { maxBatchRecords: 100, ...options };
  }

  private topic(name: string): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = new Topic(this.options.partitions);
      this.topics.set(name, topic);
    }
    return topic;
  }

  publisher(topic: string): EventPublisher {
    return {
      publish: async (records) => {
        this.topic(topic).append(records);
      },
    };
  }

  consumer(topic: string, groupId: string): EventConsumer {
    return new EmbeddedConsumer(this.topic(topic), topic, groupId, this.options.maxBatchRecords);
  }

  /** Every record of a partition-ordered topic, for tests and the DLQ metric. */
  records(topic: string): Array<StoredRecord & { partition: number; offset: number }> {
    return this.topic(topic).partitions.flatMap((records, partition) =>
      records.map((record, offset) => ({ ...record, partition, offset })),
    );
  }
}

/**
 * One consumer of a group. It owns every partition (a single-process stand-in needs no
 * rebalancing); one loop per partition keeps order and lets partitions proceed independently.
 */
class EmbeddedConsumer implements EventConsumer {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly topic: Topic;
  private readonly topicName: string;
  private readonly groupId: string;
  private readonly maxBatchRecords: number;

  constructor(topic: Topic, topicName: string, groupId: string, maxBatchRecords: number) {
    this.topic = topic;
    this.topicName = topicName;
    this.groupId = groupId;
    this.maxBatchRecords = maxBatchRecords;
  }

  async run(handler: BatchHandler): Promise<void> {
    if (this.running) throw new Error("consumer already running");
    this.running = true;
    this.loops = this.topic.partitions.map((_, partition) => this.loop(partition, handler));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(partition: number, handler: BatchHandler): Promise<void> {
    const log = this.topic.partitions[partition]!;
    const committed = this.topic.groupOffsets(this.groupId);
    // As in KafkaJS, the next fetch starts after the last *resolved* offset: a batch the handler
    // left partly unresolved (it stopped early or failed) is delivered again from there.
    let position = committed[partition]!;
    while (this.running) {
      if (position >= log.length) {
        await this.topic.waitForAppend(50);
        continue;
      }
      const start = position;
      const records: ConsumedRecord[] = log
        .slice(start, start + this.maxBatchRecords)
        .map((record, i) => ({
          offset: String(start + i),
          key: record.key,
          value: record.value,
          headers: record.headers,
        }));
      const batch: ConsumedBatch = {
        topic: this.topicName,
        partition,
        records,
        resolveOffset: (offset) => {
          position = Math.max(position, Number(offset) + 1);
        },
        commitOffsetsIfNecessary: async () => {
          if (position > committed[partition]!) committed[partition] = position;
        },
        heartbeat: async () => {},
        isRunning: () => this.running,
        isStale: () => false,
        offsetLag: () => String(Math.max(0, log.length - position)),
      };
      try {
        await handler(batch);
      } catch (error) {
        console.error("embedded log: batch handler failed", error);
      }
      // KafkaJS (autoCommit on) commits what the handler resolved once the batch is over.
      await batch.commitOffsetsIfNecessary();
      if (position === start && this.running) await new Promise((r) => setTimeout(r, 100));
    }
  }
}
