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
import type { Sent } from "./stream.ts";
import type { ChaosSystem } from "./system.ts";

export interface LagFigures {
  lag_p50_ms: number;
  lag_p99_ms: number;
  lag_max_ms: number;
}

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
  lags.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0);
  return { lag_p50_ms: at(0.5), lag_p99_ms: at(0.99), lag_max_ms: Math.round(lags.at(-1) ?? 0) };
}
