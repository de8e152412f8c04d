// The message records on every region's topic, read back after a scenario: which region's ingest
// published each (conversation, seq), and when (the record's Kafka timestamp, set by region-core's
// producer on this machine's clock). Used for the lag's first stage and to see where a
// conversation's batches went across a failover and failback.
import { until } from "@edge-chat/e2e";
import { Kafka, logLevel } from "kafkajs";
import type { ChaosSystem } from "./system.ts";

export interface MessageRecord {
  regionId: string;
  /** Kafka timestamp (ms since epoch). */
  at: number;
  /** When region-core's ingest received the batch (its x-ingest-at header), if it says. */
  ingestAt: number | undefined;
}

/** "conversation/seq" of an acknowledged send. */
export const recordKey = (conversationId: string, seq: number) => `${conversationId}/${seq}`;

/**
 * The records of the `wanted` messages by recordKey (a batch retried to another region may appear
 * in both), oldest first. Reads until every wanted message is seen, or 30 s.
 */
export async function messageRecords(
  system: ChaosSystem,
  wanted: ReadonlySet<string>,
): Promise<Map<string, MessageRecord[]>> {
  const kafka = new Kafka({ brokers: system.services.kafka.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${system.storage.runId}.records-${Date.now()}` });
  const records = new Map<string, MessageRecord[]>();
  const regionOf = new Map(
    system.regions.map((r) => [system.storage.topics(r.regionId).topic, r.regionId]),
  );
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...regionOf.keys()], fromBeginning: true });
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
          regionId: regionOf.get(topic) ?? topic,
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
