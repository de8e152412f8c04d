// Edge ack → persisted, per message: the edge's serverTs (when the message became durable in the
// ConversationDO and was acknowledged) against the Cassandra write time of its row (the persister's
// insert carries the driver's client-side timestamp, in microseconds). Same machine, same clock.
import {
  bucketOf,
  createCassandraClient,
  MESSAGES_BY_CONVERSATION as M,
  parseCqlConfig,
  TABLES,
} from "@edge-chat/cql";
import { messageRecords, recordKey } from "./kafka-records.ts";
import type { Sent } from "./stream.ts";
import type { ChaosSystem } from "./system.ts";

export interface LagFigures {
  lag_p50_ms: number;
  lag_p99_ms: number;
  lag_max_ms: number;
  /** The first stage alone: edge ack → the record's Kafka timestamp (set by region-core's producer). */
  to_kafka_p50_ms: number;
  to_kafka_p99_ms: number;
  /** Its edge part: edge ack → region-core's ingest got the batch (region outbox wait + HTTP). */
  to_ingest_p50_ms: number;
  to_ingest_p99_ms: number;
}

const quantiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
};

export async function ackToPersisted(
  system: ChaosSystem,
  sent: readonly Sent[],
): Promise<LagFigures> {
  const dc = system.dcs[0] ?? "dc1";
  const client = createCassandraClient(parseCqlConfig(system.storage.cassandraEnv(dc)));
  await client.connect();
  const lags: number[] = [];
  try {
    const byConversation = Map.groupBy(
      sent.filter((s) => s.ack),
      (s) => s.conversationId,
    );
    for (const [conversationId, acked] of byConversation) {
      const written = new Map<number, number>();
      const last = Math.max(...acked.map((s) => s.ack!.seq));
      for (let bucket = 0; bucket <= bucketOf(last); bucket++) {
        const result = await client.execute(
          `SELECT ${M.seq}, WRITETIME(${M.body}) AS w FROM ${system.storage.keyspace}.${TABLES.messagesByConversation}
           WHERE ${M.conversationId} = ? AND ${M.bucket} = ?`,
          [conversationId, bucket],
          { prepare: true, fetchSize: 5000 },
        );
        for (const row of result.rows) written.set(Number(row[M.seq]), Number(row.w) / 1000);
      }
      for (const s of acked) {
        const at = written.get(s.ack!.seq);
        if (at !== undefined) lags.push(at - s.ack!.serverTs);
      }
    }
  } finally {
    await client.shutdown();
  }
  const acked = sent.filter((s) => s.ack);
  const records = await messageRecords(
    system,
    new Set(acked.map((s) => recordKey(s.conversationId, s.ack!.seq))),
  );
  const toKafka = acked.flatMap((s) => {
    const at = records.get(recordKey(s.conversationId, s.ack!.seq))?.[0]?.at;
    return at === undefined ? [] : [at - s.ack!.serverTs];
  });
  const toIngest = acked.flatMap((s) => {
    const at = records.get(recordKey(s.conversationId, s.ack!.seq))?.[0]?.ingestAt;
    return at === undefined ? [] : [at - s.ack!.serverTs];
  });
  const total = quantiles(lags);
  const first = quantiles(toKafka);
  const edge = quantiles(toIngest);
  return {
    lag_p50_ms: total.p50,
    lag_p99_ms: total.p99,
    lag_max_ms: total.max,
    to_kafka_p50_ms: first.p50,
    to_kafka_p99_ms: first.p99,
    to_ingest_p50_ms: edge.p50,
    to_ingest_p99_ms: edge.p99,
  };
}
