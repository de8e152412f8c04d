// The event-log ports the service is written against. They mirror the shape of KafkaJS's producer
// and `eachBatch` consumer API (which KafkaJS-compatible clients share), so the kafkajs adapter is a
// thin leaf and the embedded log can stand in for Kafka without the domain noticing.

/** One record to append: the key picks the partition (one conversation → one partition → order). */
export interface OutgoingRecord {
  key: string;
  value: string | Uint8Array | null;
  headers?: Record<string, string>;
}

/** Appends records to one topic; resolves only once the log has them durably (acks=all). */
export interface EventPublisher {
  publish(records: readonly OutgoingRecord[]): Promise<void>;
}

export interface ConsumedRecord {
  /** Kafka offsets are 64-bit, hence strings. */
  offset: string;
  key: string | null;
  value: Uint8Array | null;
  headers: Record<string, string>;
}

/** One partition's slice of records, with the offset controls of KafkaJS's EachBatchPayload. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: readonly ConsumedRecord[];
  /** Marks everything up to and including `offset` as processed (not yet committed). */
  resolveOffset(offset: string): void;
  /** Commits the resolved offsets to the group. */
  commitOffsetsIfNecessary(): Promise<void>;
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping: finish what is in flight, start nothing new. */
  isRunning(): boolean;
  /** True when a rebalance took the partition away: the rest of the batch is someone else's. */
  isStale(): boolean;
  /** Records behind the end of the partition after this batch (for the lag gauge). */
  offsetLag(): string;
}

export type BatchHandler = (batch: ConsumedBatch) => Promise<void>;

/** A consumer-group member: delivers batches per partition, in offset order, until stopped. */
export interface EventConsumer {
  /** Starts consuming in the background; resolves once the consumer is running. */
  run(handler: BatchHandler): Promise<void>;
  /** Stops fetching, waits for in-flight batch handlers, commits what they resolved, disconnects. */
  stop(): Promise<void>;
}
