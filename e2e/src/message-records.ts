// The message records on a run's topics, read back after a run: which region's ingest published
// each (conversation, seq), and when (the record's Kafka timestamp, set by region-core's producer
// on this machine's clock, and the x-ingest-at header: when its ingest received the batch). The
// chaos suite uses them for the lag's first stages and to see where batches went across a
// failover; the e2e-lag benchmark for its per-stage breakdown.
import { Kafka, logLevel } from "kafkajs";
import { until } from "./ports.ts";

export interface MessageRecord {
  regionId: string;
  /** Kafka timestamp (ms since epoch). */
  at: number;
  /** When region-core's ingest received the batch (its x-ingest-at header), if it says. */
  ingestAt: number | undefined;
}

export interface RecordSource {
  brokers: readonly string[];
  /** Topic name → the region whose ingest publishes to it. */
  topics: ReadonlyMap<string, string>;
  /** A fresh consumer group is made from it (reads from the beginning, commits nothing useful). */
  groupPrefix: string;
}

/** "conversation/seq" of an acknowledged send. */
export const recordKey = (conversationId: string, seq: number) => `${conversationId}/${seq}`;

/**
 * The records of the `wanted` messages by recordKey (a batch retried to another region may appear
 * in both), oldest first. Reads until every wanted message is seen, or 30 s.
 */
export async function messageRecords(
  source: RecordSource,
  wanted: ReadonlySet<string>,
): Promise<Map<string, MessageRecord[]>> {
  const kafka = new Kafka({ brokers: [...source.brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${source.groupPrefix}.records-${Date.now()}` });
  const records = new Map<string, MessageRecord[]>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...source.topics.keys()], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const event = JSON.parse(message.value?.toString("utf8") ?? "null") as {
          type?: string;
          message?: { conversationId: string; seq: number };
        } | null;
        if (event?.type !== "message" || !event.message) return;
        const key = recordKey(event.message.conversationId, event.message.seq);
        if (!wanted.has(key)) return;
        const list = records.get(key) ?? [];
        const ingestAt = message.headers?.["x-ingest-at"]?.toString();
        list.push({
          regionId: source.topics.get(topic) ?? topic,
          at: Number(message.timestamp),
          ingestAt: ingestAt === undefined ? undefined : Number(ingestAt),
        });
        list.sort((a, b) => a.at - b.at);
        records.set(key, list);
      },
    });
    await until(() => records.size >= wanted.size, "the message records in Kafka", {
      everyMs: 200,
      timeoutMs: 30_000,
    }).catch(() => {});
  } finally {
    await consumer.disconnect();
  }
  return records;
}
