// Benchmark: history reads, pages of 50 from long conversations spanning several buckets.
//
//   raw      the page's bucket slices (@edge-chat/cql's bucketsForPage) read straight through
//            cassandra-driver, prepared, LOCAL_QUORUM in dc1 of 2 DCs: the floor;
//   product  GET /v1/history/:conversationId?before=&limit=50 on region-core (a process,
//            ADAPTERS=real): the membership check, the same slices, decoding and validation.
// One page at a time (latency), random positions, `--seconds` per case. JSON lines.
// Usage: npm run bench -- history [--seconds 3 --messages 5000 --conversations 4]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { bucketOf, bucketsForPage, createCassandraClient, parseCqlConfig } from "@edge-chat/cql";
import { createRunStorage, RegionProcess, serviceKeys } from "@edge-chat/e2e";
import { ensureServices } from "@edge-chat/services";
import cassandra from "cassandra-driver";
import { jsonLine, measure, measureFor } from "./measure.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    messages: { type: "string", default: "5000" },
    conversations: { type: "string", default: "4" },
  },
});
const seconds = Number(values.seconds);
const perConversation = Number(values.messages);
const conversations = Number(values.conversations);
const PAGE = 50;
const BENCH = "history";

const services = await ensureServices({ only: ["cassandra", "kafka"] });
const dc = services.cassandra.dataCenters[0]?.name ?? "dc1";
const storage = await createRunStorage(services, "bench_history");
const client = createCassandraClient(parseCqlConfig(storage.cassandraEnv(dc)));
await client.connect();
const ks = storage.keyspace;
const options = { prepare: true, consistency: cassandra.types.consistencies.localQuorum };
const ids = Array.from({ length: conversations }, (_, i) => `g:hist-${storage.runId}-${i}`);
const now = Date.now();

// Load: every conversation gets `perConversation` messages (several 1,000-message buckets).
const load = await measure("load", conversations * perConversation, 64, async (i) => {
  const conversationId = ids[i % conversations]!;
  const seq = Math.floor(i / conversations) + 1;
  await client.execute(
    `INSERT INTO ${ks}.messages_by_conversation (conversation_id, bucket, seq, message_id, client_msg_id, sender_id, kind, body, server_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      conversationId,
      bucketOf(seq),
      seq,
      randomUUID(),
      `c-${seq}`,
      "reader",
      "text",
      `history message ${seq} `.repeat(4),
      new Date(now + seq),
    ],
    options,
  );
});
for (const id of ids) {
  await client.execute(
    `INSERT INTO ${ks}.conversation_members (conversation_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)`,
    [id, "reader", "member", new Date(now)],
    options,
  );
}
jsonLine({ bench: BENCH, case: "load", rows: load.ops, rowsPerSecond: load.opsPerSecond });

// Random page positions, the same sequence for both cases.
const positions = Array.from({ length: 100_000 }, (_, i) => ({
  conversationId: ids[i % conversations]!,
  before: PAGE + 1 + Math.floor(Math.random() * (perConversation - PAGE)),
}));

const raw = await measureFor("raw select", seconds, 1, async (i) => {
  const { conversationId, before } = positions[i % positions.length]!;
  const plan = bucketsForPage({ beforeSeq: before, limit: PAGE + 1 });
  const rows = await Promise.all(
    plan.ranges.map((r) =>
      client.execute(
        `SELECT seq, message_id, client_msg_id, sender_id, kind, body, media, reply_to_seq, server_ts FROM ${ks}.messages_by_conversation WHERE conversation_id = ? AND bucket = ? AND seq >= ? AND seq <= ? ORDER BY seq DESC`,
        [conversationId, r.bucket, r.minSeq, r.maxSeq],
        { ...options, fetchSize: 1000 },
      ),
    ),
  );
  if (rows.reduce((n, r) => n + r.rowLength, 0) < PAGE) throw new Error("short page");
});
jsonLine({ bench: BENCH, case: "raw select page of 50", ...raw });

const keys = serviceKeys();
const topics = storage.topics("history");
const region = await RegionProcess.create({
  regionId: "bench-history",
  env: {
    ADAPTERS: "real",
    SERVICE_JWKS: JSON.stringify(keys.jwks),
    KAFKA_BROKERS: services.kafka.brokers.join(","),
    KAFKA_TOPIC: topics.topic,
    KAFKA_DLQ_TOPIC: topics.dlqTopic,
    KAFKA_PARTITIONS: "1",
    CASSANDRA_MIGRATE: "false",
    PERSISTER_ENABLED: "false",
    ...storage.cassandraEnv(dc),
  },
});
await region.start();
const bearer = await keys.token();
const page = async (i: number) => {
  const { conversationId, before } = positions[i % positions.length]!;
  const response = await fetch(
    `${region.url}/v1/history/${encodeURIComponent(conversationId)}?userId=reader&before=${before}&limit=${PAGE}`,
    { headers: { authorization: `Bearer ${bearer}` } },
  );
  const body = (await response.json()) as { messages: unknown[] };
  if (body.messages.length !== PAGE) throw new Error(`page of ${body.messages.length}`);
};
for (let i = 0; i < 20; i++) await page(i); // warm-up: connections, prepared statements
const product = await measureFor("history api", seconds, 1, page);
jsonLine({ bench: BENCH, case: "history api page of 50", ...product });
jsonLine({
  bench: BENCH,
  case: "summary",
  messagesPerConversation: perConversation,
  rawP50Ms: raw.p50Ms,
  rawP99Ms: raw.p99Ms,
  apiP50Ms: product.p50Ms,
  apiP99Ms: product.p99Ms,
  p99Ratio: product.p99Ms / raw.p99Ms,
});
await region.stop();
await client.shutdown();
await storage.drop();
