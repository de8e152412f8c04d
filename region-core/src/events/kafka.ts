// The kafkajs adapter: an idempotent producer (acks=all) behind EventPublisher and an `eachBatch`
// consumer behind EventConsumer. Only this file knows kafkajs; a KafkaJS-compatible client (such as
// the Confluent one) can replace it by providing the same two ports.
import { ChatError } from "@edge-chat/protocol";
import { type Consumer, Kafka, logLevel, Partitioners, type Producer } from "kafkajs";
import { coalescingPublisher } from "./coalescing.ts";
import { type KafkaSecurity, kafkaClientSecurity } from "./kafka-security.ts";
import type { BatchHandler, EventConsumer, EventPublisher, OutgoingRecord } from "./ports.ts";

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** TLS and SASL. Unset: plaintext. */
  security?: KafkaSecurity;
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(settings.security ? kafkaClientSecurity(settings.security) : {}),
    logLevel: logLevel.WARN,
    // Connection-level retries stay short: the caller (edge region outbox, persister) owns the
    // retry policy.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}

/** Creates the topics if missing (idempotent; a race with another instance is harmless). */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  partitions: number,
  replicationFactor: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor,
          configEntries: [
            { name: "min.insync.replicas", value: String(Math.min(2, replicationFactor)) },
          ],
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** An idempotent producer: retries never duplicate or reorder within a partition. */
export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    // The default (murmur2, Java-compatible) partitioner, chosen explicitly: keys must map to the
    // same partition whichever Kafka client publishes them.
    createPartitioner: Partitioners.DefaultPartitioner,
    // kafkajs's idempotent producer guarantees order only with a single in-flight request.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}

function toBuffer(value: OutgoingRecord["value"]): Buffer | string | null {
  // A view over the same memory, not a copy.
  return value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
}

/**
 * Publishes to one topic; failures become ChatError("unavailable") so callers retry. Calls made
 * while a send is in flight go out together in the next one (coalescing.ts): one request in flight
 * is all the idempotent producer allows, so that is how concurrent ingest requests share it.
 */
export function kafkaPublisher(producer: Producer, topic: string): EventPublisher {
  return coalescingPublisher(async (records) => {
    try {
      // One send per key, so each send has one partition and so one leader. kafkajs 2.2's
      // sendMessages, retrying a send that spanned several brokers, skips every broker that
      // already answered: a partition whose leadership moved to one of them (a broker restart)
      // is never sent, yet the send resolves. test/kafka-replication.test.ts lost acknowledged
      // records that way. Sends to different leaders still run side by side.
      await Promise.all(
        [...groupByKey(records)].map(([key, group]) =>
          producer.send({
            topic,
            acks: -1,
            messages: group.map((record) => ({
              key,
              value: toBuffer(record.value),
              headers: record.headers ?? {},
            })),
          }),
        ),
      );
    } catch (error) {
      throw new ChatError("unavailable", "event log unavailable", { cause: error });
    }
  });
}

/** A connected producer and its publishers, whichever client (here, or platformatic.ts). */
export interface ProducerHandle {
  publisher(topic: string): EventPublisher;
  close(): Promise<void>;
}

/** The kafkajs producer (KAFKA_PRODUCER=kafkajs). */
export function mainThreadProducer(producer: Producer): ProducerHandle {
  return {
    publisher: (topic) => kafkaPublisher(producer, topic),
    close: () => producer.disconnect(),
  };
}

/** Records by key, each key's in their order. */
function groupByKey(records: readonly OutgoingRecord[]): Map<string, OutgoingRecord[]> {
  const groups = new Map<string, OutgoingRecord[]>();
  for (const record of records) {
    const group = groups.get(record.key);
    if (group) group.push(record);
    else groups.set(record.key, [record]);
  }
  return groups;
}

export interface KafkaConsumerSettings {
  topic: string;
  groupId: string;
  partitionsConsumedConcurrently: number;
  /** Group membership timing (see KAFKA_SESSION_TIMEOUT_MS in config.ts); unset: kafkajs's defaults. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  fetchMaxWaitMs?: number;
}

/** A consumer-group member delivering partition batches that the handler resolves itself. */
export function kafkaConsumer(kafka: Kafka, settings: KafkaConsumerSettings): EventConsumer {
  let consumer: Consumer | null = null;
  return {
    async run(handler: BatchHandler) {
      // No static membership (group.instance.id): kafkajs 2.2 does not send it, so a restarted
      // member always joins as a new one and the dead one is dropped after sessionTimeout.
      consumer = kafka.consumer({
        groupId: settings.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: settings.sessionTimeoutMs,
        heartbeatInterval: settings.heartbeatIntervalMs,
        rebalanceTimeout: settings.rebalanceTimeoutMs,
        maxWaitTimeInMs: settings.fetchMaxWaitMs,
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [settings.topic], fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        eachBatch: async (payload) => {
          await handler({
            topic: payload.batch.topic,
            partition: payload.batch.partition,
            records: payload.batch.messages.map((message) => ({
              offset: message.offset,
              key: message.key === null ? null : message.key.toString("utf8"),
              value: message.value,
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).flatMap(([name, value]) =>
                  value === undefined ? [] : [[name, String(value)]],
                ),
              ),
            })),
            resolveOffset: payload.resolveOffset,
            commitOffsetsIfNecessary: () => payload.commitOffsetsIfNecessary(),
            heartbeat: payload.heartbeat,
            isRunning: payload.isRunning,
            isStale: payload.isStale,
            offsetLag: () => payload.batch.offsetLag(),
          });
        },
      });
    },
    async stop() {
      // disconnect() stops fetching and waits for the running eachBatch calls to return; kafkajs
      // then commits the offsets they resolved.
      await consumer?.disconnect();
      consumer = null;
    },
  };
}
