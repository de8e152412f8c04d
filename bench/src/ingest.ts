// Benchmark: region-core's write path with the real Kafka and Cassandra.
//
//   ingest     POST /v1/ingest → Kafka (idempotent producer, acks=all): batches of 1 vs 20 vs 100
//              events, the same number of batches in flight (events/s, p50/p99 per batch);
//   persister  the records those batches produced, consumed from the beginning by a fresh consumer
//              group and written to Cassandra (LOCAL_QUORUM, two datacenters) with
//              PERSISTER_CONCURRENCY 1 vs 8 (conversations applied at once; events/s).
//
// region-core runs as its own process (`node region-core/src/main.ts`, ADAPTERS=real), on a keyspace
// and topics of its own. The figures are ratios within one run: the machine is shared and noisy.
// Usage: npm run ingest -w bench [-- --conversations 64 --in-flight 4]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createRunStorage, RegionProcess, serviceKeys, until } from "@edge-chat/e2e";
import type { IngestBatch, RegionEvent } from "@edge-chat/protocol";
import { ensureServices } from "@edge-chat/services";
import { type Figures, measure, printTable, ratio, summarize } from "./measure.ts";

const { values } = parseArgs({
  options: {
    conversations: { type: "string", default: "64" },
    "in-flight": { type: "string", default: "4" },
    "single-batches": { type: "string", default: "300" },
    "events-per-size": { type: "string", default: "3000" },
  },
});
const conversations = Number(values.conversations);
const inFlight = Number(values["in-flight"]);
const singleBatches = Number(values["single-batches"]);
const eventsPerSize = Number(values["events-per-size"]);

const services = await ensureServices({ only: ["cassandra", "kafka"] });
const keys = serviceKeys();
const storage = await createRunStorage(services, "bench_ingest");
const topics = storage.topics("bench");
const regionEnv = {
  ADAPTERS: "real",
  SERVICE_JWKS: JSON.stringify(keys.jwks),
  KAFKA_BROKERS: services.kafka.brokers.join(","),
  KAFKA_TOPIC: topics.topic,
  KAFKA_DLQ_TOPIC: topics.dlqTopic,
  KAFKA_PARTITIONS: "8",
  CASSANDRA_MIGRATE: "false",
  ...storage.cassandraEnv(services.cassandra.dataCenters[0]?.name ?? "dc1"),
};
const ingest = await RegionProcess.create({
  regionId: "bench-ingest",
  env: { ...regionEnv, PERSISTER_ENABLED: "false" },
});
await ingest.start();

// Conversations, each with three members; every conversation's events carry gapless seqs.
const ids = Array.from({ length: conversations }, (_, i) => `g:bench-${storage.runId}-${i}`);
const nextSeq = new Map(ids.map((id) => [id, 1]));
const now = Date.now();

function membership(conversationId: string): RegionEvent {
  return {
    type: "membership",
    conversationId,
    kind: "group",
    name: "bench",
    createdAt: now,
    members: ["u1", "u2", "u3"].map((userId) => ({ userId, role: "member", joinedAt: now })),
    removed: [],
    asOfSeq: 0,
  };
}

function messages(conversationId: string, count: number): RegionEvent[] {
  const first = nextSeq.get(conversationId) ?? 1;
  nextSeq.set(conversationId, first + count);
  return Array.from({ length: count }, (_, k) => ({
    type: "message",
    message: {
      conversationId,
      seq: first + k,
      messageId: randomUUID(),
      clientMsgId: randomUUID(),
      senderId: `u${((first + k) % 3) + 1}`,
      content: { kind: "text", text: `benchmark message ${first + k} `.repeat(4) },
      serverTs: now + first + k,
    },
  }));
}

let bearer = await keys.token(); // valid 60 s: refreshed per case below
let published = 0;
let ingestUrl = ingest.url;
async function post(batch: IngestBatch, counted = true): Promise<void> {
  const response = await fetch(`${ingestUrl}/v1/ingest`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify(batch),
  });
  if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  await response.body?.cancel();
  if (counted) published += batch.events.length;
}

// Membership first (one batch per conversation), as the edge's outbox would send it.
for (const id of ids) {
  await post({ batchId: randomUUID(), conversationId: id, events: [membership(id)] });
}

const ingestRows: Figures[] = [];
// Does the single-event path scale with requests in flight? kafkajs's idempotent producer allows
// one in-flight produce request, so concurrent ingest requests may queue behind each other.
for (let i = 0; i < 10; i++) {
  await post({ batchId: randomUUID(), conversationId: ids[i]!, events: messages(ids[i]!, 1) });
}
const serial = await measure("ingest: batch of 1, 1 in flight", singleBatches, 1, async (i) => {
  const id = ids[i % ids.length]!;
  await post({ batchId: randomUUID(), conversationId: id, events: messages(id, 1) });
});
for (const size of [1, 20, 100]) {
  const batches = size === 1 ? singleBatches : Math.ceil(eventsPerSize / size);
  bearer = await keys.token();
  // Warm-up: a few batches outside the measurement (connections, producer metadata).
  for (let i = 0; i < 5; i++) {
    const id = ids[i % ids.length]!;
    await post({ batchId: randomUUID(), conversationId: id, events: messages(id, size) });
  }
  const perBatch = await measure(`ingest: batch of ${size}`, batches, inFlight, async (i) => {
    const id = ids[i % ids.length]!;
    await post({ batchId: randomUUID(), conversationId: id, events: messages(id, size) });
  });
  ingestRows.push(perBatch);
  ingestRows.push({
    ...perBatch,
    label: `  events/s, batch of ${size}`,
    ops: batches * size,
    opsPerSecond: (batches * size) / perBatch.seconds,
  });
}
await ingest.stop();

// Control: the same API with the embedded in-memory log instead of Kafka, to show Kafka's share.
const embedded = await RegionProcess.create({
  regionId: "bench-embedded",
  env: { ...regionEnv, ADAPTERS: "embedded", PERSISTER_ENABLED: "false" },
});
await embedded.start();
ingestUrl = embedded.url;
for (const size of [1, 100]) {
  const batches = size === 1 ? singleBatches : Math.ceil(eventsPerSize / size);
  bearer = await keys.token();
  const perBatch = await measure(
    `control, no Kafka: batch of ${size}`,
    batches,
    inFlight,
    async (i) => {
      const id = ids[i % ids.length]!;
      await post({ batchId: randomUUID(), conversationId: id, events: messages(id, size) }, false);
    },
  );
  ingestRows.push(perBatch);
}
await embedded.stop();

console.log(
  `\ningest API → Kafka (acks=all, idempotent), ${inFlight} batches in flight, ${conversations} conversations`,
);
printTable([serial, ...ingestRows]);
const events = ingestRows.filter((row) => row.label.startsWith("  events/s"));
console.log(ratio(events[1]!, events[0]!));
console.log(ratio(events[2]!, events[0]!));
console.log(ratio(events[2]!, events[1]!));
console.log(ratio(ingestRows[0]!, serial));
const control = ingestRows.filter((row) => row.label.startsWith("control"));
console.log(ratio(ingestRows[0]!, control[0]!));
console.log(ratio(ingestRows[4]!, control[1]!));

// The persister: each case a fresh consumer group reading every record from the beginning.
const persisterRows: Figures[] = [];
for (const concurrency of [1, 8]) {
  const persister = await RegionProcess.create({
    regionId: `bench-persister-${concurrency}`,
    env: {
      ...regionEnv,
      KAFKA_GROUP_ID: `${topics.groupId}-c${concurrency}`,
      PERSISTER_CONCURRENCY: String(concurrency),
      PERSISTER_PARTITIONS_CONCURRENTLY: "2",
    },
  });
  await persister.start();
  // Timed from the first record applied to the last, so start-up and the group join are excluded.
  let first: { at: number; count: number } | undefined;
  let last = 0;
  await until(
    async () => {
      const count = await persistedRecords(persister.url);
      const at = performance.now();
      if (count > 0 && !first) first = { at, count };
      last = at;
      return count >= published;
    },
    `persister (concurrency ${concurrency}) to apply ${published} records`,
    { everyMs: 50, timeoutMs: 600_000 },
  );
  const seconds = (last - (first?.at ?? last)) / 1000;
  const ops = published - (first?.count ?? 0);
  persisterRows.push(summarize(`persister: concurrency ${concurrency}`, ops, seconds, []));
  await persister.stop();
}
console.log(
  `\npersister → Cassandra (LOCAL_QUORUM, dc1 of 2; ${published} records, ${conversations} conversations, 8 partitions)`,
);
printTable(persisterRows);
console.log(ratio(persisterRows[1]!, persisterRows[0]!));
await storage.drop();

async function persistedRecords(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("region_persisted_records_total")) total += Number(line.split(" ").at(-1));
  }
  return total;
}
