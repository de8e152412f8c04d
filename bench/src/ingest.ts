// Benchmark: region-core's write path beside the raw ceilings of the same services, in one run.
//
//   raw cassandra  one prepared INSERT per message row into messages_by_conversation (the product's
//                  own table and row shape) through cassandra-driver, LOCAL_QUORUM in dc1 of 2 DCs,
//                  at several concurrencies: the ceiling of "one row per message";
//   raw kafka      an idempotent producer, acks=all, batches of 100 records of the product's event
//                  size (one conversation per batch), 1 and 4 sends in flight, with each client the
//                  region can use (raw-produce.ts: kafkajs, @platformatic/kafka, and librdkafka
//                  when CONFLUENT_KAFKA_JS loads it): the ceiling of the event log is the fastest;
//   ingest         POST /v1/ingest (region-core as a process, ADAPTERS=real), batches of 100, the same
//                  in-flight counts, in rounds alternating with the raw produce (same machine load):
//                  events/s as a ratio of that ceiling, with each producer client (KAFKA_PRODUCER);
//                  and a control, the same API on the embedded in-memory log, for the API's own
//                  cost without Kafka;
//   persist        the persister (a fresh region-core process) draining what ingest published, timed
//                  from its first applied record to its last: events/s as a ratio of the best raw
//                  INSERT rate, and Cassandra statements and requests per message from its metrics.
// Every conversation is a 200-member group, so the statement count shows whether the write cost
// grows with the group (it must not). Membership snapshots are persisted before the timed part,
// by an earlier member of the same consumer group, so the persist figures are messages only.
//
// Output: one JSON line per case (with the benchmark's own event-loop load: `driver.saturated`
// says the load generator, not the system, was the limit), then a summary line.
// Usage: npm run bench -- ingest [--seconds 3 --conversations 64 --members 200 --kafka-only
// --cpu-prof <dir>] (--kafka-only: the produce comparison alone, without the Cassandra and
// persister parts; --cpu-prof: V8 profiles of the ingest regions, written when they stop).
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { bucketOf, createCassandraClient, parseCqlConfig } from "@edge-chat/cql";
import { createRunStorage, RegionProcess, serviceKeys, until } from "@edge-chat/e2e";
import type { IngestBatch, Message, RegionEvent } from "@edge-chat/protocol";
import { ensureServices, servicesStatus } from "@edge-chat/services";
import cassandra from "cassandra-driver";
import {
  alternateRounds,
  jsonLine,
  measureFor,
  type RoundCase,
  type RoundsResult,
  round,
  watchDriver,
} from "./measure.ts";
import { rawProducers } from "./raw-produce.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    conversations: { type: "string", default: "64" },
    members: { type: "string", default: "200" },
    "batch-size": { type: "string", default: "100" },
    "kafka-only": { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
  },
});
const seconds = Number(values.seconds);
const conversations = Number(values.conversations);
const groupSize = Number(values.members);
const batchSize = Number(values["batch-size"]);
const kafkaOnly = values["kafka-only"];
// --cpu-prof <dir>: the ingest regions (platformatic and control) write V8 CPU profiles there on exit.
const profiling: Record<string, string> = values["cpu-prof"]
  ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${values["cpu-prof"]}` }
  : {};
const IN_FLIGHT = [1, 4];
const INSERT_CONCURRENCY = [16, 64, 256];
const BENCH = "ingest";

const services = await ensureServices({ only: ["cassandra", "kafka"] });
const dc = services.cassandra.dataCenters[0]?.name ?? "dc1";
// The broker's process, to read its CPU per event too (undefined when it is not ours to see).
const brokerPid = (await servicesStatus({ only: ["kafka"] })).find((row) =>
  row.service.startsWith("kafka"),
)?.pid;
const storage = await createRunStorage(services, "bench_ingest");
const now = Date.now();

function text(seq: number): string {
  return `benchmark message ${seq} `.repeat(4);
}

function message(conversationId: string, seq: number): Message {
  return {
    conversationId,
    seq,
    messageId: randomUUID(),
    clientMsgId: randomUUID(),
    senderId: `u${seq % groupSize}`,
    content: { kind: "text", text: text(seq) },
    serverTs: now + seq,
  };
}

// ── the product: ingest API → Kafka ──
const keys = serviceKeys();
const topics = storage.topics("bench");
const regionEnv = {
  ADAPTERS: "real",
  SERVICE_JWKS: JSON.stringify(keys.jwks),
  KAFKA_BROKERS: services.kafka.brokers.join(","),
  KAFKA_TOPIC: topics.topic,
  KAFKA_DLQ_TOPIC: topics.dlqTopic,
  KAFKA_PARTITIONS: "8",
  KAFKA_GROUP_ID: topics.groupId,
  CASSANDRA_MIGRATE: "false",
  PERSISTER_CONCURRENCY: "16",
  PERSISTER_PARTITIONS_CONCURRENTLY: "4",
  ...storage.cassandraEnv(dc),
};
const ingest = await RegionProcess.create({
  regionId: "bench-ingest",
  env: { ...regionEnv, ...profiling, PERSISTER_ENABLED: "false", KAFKA_PRODUCER: "platformatic" },
});
await ingest.start();
const ingestMain = await RegionProcess.create({
  regionId: "bench-ingest-main",
  env: { ...regionEnv, PERSISTER_ENABLED: "false", KAFKA_PRODUCER: "kafkajs" },
});
await ingestMain.start();

const ids = Array.from({ length: conversations }, (_, i) => `g:bench-${storage.runId}-${i}`);
const nextSeq = new Map(ids.map((id) => [id, 1]));
function messages(conversationId: string, count: number): RegionEvent[] {
  const first = nextSeq.get(conversationId) ?? 1;
  nextSeq.set(conversationId, first + count);
  return Array.from({ length: count }, (_, k) => ({
    type: "message",
    message: message(conversationId, first + k),
  }));
}
let bearer = await keys.token();
let tokenAt = Date.now();
// node:http with keep-alive rather than fetch: the driver shares the machine's two cores with the
// region and the broker, and fetch cost it about twice the CPU per request (bench/README.md).
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
function post(batch: IngestBatch, url = ingest.url): Promise<void> {
  return postBody(Buffer.from(JSON.stringify(batch)), url);
}
/** POSTs an already encoded IngestBatch body. */
async function postBody(body: Buffer, url: string): Promise<void> {
  if (Date.now() - tokenAt > 30_000) {
    bearer = await keys.token();
    tokenAt = Date.now();
  }
  const target = new URL("/v1/ingest", url);
  await new Promise<void>((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": body.byteLength,
          authorization: `Bearer ${bearer}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          if (response.statusCode === 200) resolve();
          else {
            const text = Buffer.concat(chunks).toString();
            reject(new Error(`ingest answered ${response.statusCode}: ${text}`));
          }
        });
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
const members = Array.from({ length: groupSize }, (_, i) => ({
  userId: `u${i}`,
  role: "member" as const,
  joinedAt: now,
}));
for (const id of ids) {
  await post({
    batchId: randomUUID(),
    conversationId: id,
    events: [
      {
        type: "membership",
        conversationId: id,
        kind: "group",
        name: "bench",
        createdAt: now,
        members,
        removed: [],
        asOfSeq: 0,
      },
    ],
  });
}

// Membership first, persisted and committed by a first member of the consumer group, so the timed
// persister below starts at the messages.
if (!kafkaOnly) {
  const setup = await RegionProcess.create({ regionId: "bench-persist-setup", env: regionEnv });
  await setup.start();
  await until(
    async () => (await metric(setup.url, "region_persisted_records_total")) >= conversations,
    "membership snapshots to be persisted",
    { everyMs: 100, timeoutMs: 300_000 },
  );
  await setup.stop();
}

// ── raw Kafka: each client the region can use (raw-produce.ts), batches of `batchSize` ──
const { producers: rawClients, librdkafka } = await rawProducers({
  brokers: services.kafka.brokers,
  topic: storage.topics("raw").topic,
  clientId: `bench-${storage.runId}`,
  value: JSON.stringify({ type: "message", message: message("g:raw", 1) }),
  batchSize,
  keyOf: (i) => `g:raw-${i % conversations}`,
});
if (librdkafka !== undefined) console.error(`librdkafka ${librdkafka}`);
// Raw produce and the ingest API alternate in short rounds, so both see the same machine (it is
// shared and its load swings within seconds); each case's figures are the rounds merged.
for (let i = 0; i < 5; i++) {
  await post({ batchId: randomUUID(), conversationId: ids[i]!, events: messages(ids[i]!, 10) });
}
// Control: the same API on the embedded in-memory log, i.e. the API's own cost without Kafka.
const control = await RegionProcess.create({
  regionId: "bench-ingest-control",
  env: { ...regionEnv, ...profiling, ADAPTERS: "embedded", PERSISTER_ENABLED: "false" },
});
await control.start();
const controlIds = ids.map((id) => id.replace("g:bench-", "g:control-"));

/**
 * Ingest request bodies encoded before the timed rounds, so the load driver's cost per event is
 * the HTTP request alone, as the raw produce's is its client alone (which reuses one pre-serialised
 * value): each body is a whole IngestBatch with its own batchId, fresh message ids and the
 * conversation's next seqs (the persister needs them distinct), conversations in turn. A round
 * that outruns its pool builds the rest inside the loop and says so (`builtInLoop`).
 */
class BodyPool {
  readonly #conversationIds: readonly string[];
  #bodies: Buffer[] = [];
  #head = 0;
  #built = 0;
  /** Bodies taken since the last fill, and the most one round has taken. */
  #taken = 0;
  #mostTaken = 0;
  builtInLoop = 0;
  constructor(conversationIds: readonly string[]) {
    this.#conversationIds = conversationIds;
  }
  #build(): Buffer {
    const id = this.#conversationIds[this.#built++ % this.#conversationIds.length]!;
    const batch: IngestBatch = {
      batchId: randomUUID(),
      conversationId: id,
      events: messages(id, batchSize),
    };
    return Buffer.from(JSON.stringify(batch));
  }
  /**
   * Tops the pool up (outside the timed part) to twice the most bodies one round has taken so far
   * (a round being as long as any other), and at least 1,500.
   */
  fill(): void {
    this.#mostTaken = Math.max(this.#mostTaken, this.#taken);
    this.#taken = 0;
    this.#bodies = this.#bodies.slice(this.#head);
    this.#head = 0;
    while (this.#bodies.length < Math.max(1_500, 2 * this.#mostTaken)) {
      this.#bodies.push(this.#build());
    }
  }
  take(): Buffer {
    this.#taken++;
    const body = this.#bodies[this.#head];
    if (body === undefined) {
      this.builtInLoop++;
      return this.#build();
    }
    this.#bodies[this.#head++] = EMPTY;
    return body;
  }
}
const EMPTY = Buffer.alloc(0);
const pools = {
  ingest: new BodyPool(ids),
  ingestMain: new BodyPool(ids),
  control: new BodyPool(controlIds),
};
const ROUNDS = 3;
/** The case of one client's raw produce. */
const rawCase = (client: string) => `raw kafka produce (${client})`;
// The product's cases: the ingest API with each producer client, and the control.
const apis = [
  {
    label: "ingest api → kafka (KAFKA_PRODUCER=kafkajs)",
    region: ingestMain,
    bodies: pools.ingestMain,
  },
  {
    label: "ingest api → kafka (KAFKA_PRODUCER=platformatic)",
    region: ingest,
    bodies: pools.ingest,
  },
  {
    label: "control: ingest api → embedded log (no Kafka)",
    region: control,
    bodies: pools.control,
  },
];
const cases = new Map<string, RoundCase>();
for (const [client, { send }] of rawClients) cases.set(rawCase(client), { send });
for (const { label, region, bodies } of apis) {
  cases.set(label, {
    send: () => postBody(bodies.take(), region.url),
    serverPid: region.pid,
    before: () => bodies.fill(),
  });
}
const rawProduce = new Map<number, number>();
const ingestRates = new Map<number, number>();
for (const inFlight of IN_FLIGHT) {
  const driver = watchDriver();
  const results = await alternateRounds(cases, { seconds, rounds: ROUNDS, inFlight, brokerPid });
  const load = driver();
  /** CPU µs per event (record) of a case: the driver, the region process serving it, the broker. */
  const cpuPerEvent = ({ figures, cpuMs }: RoundsResult, region: boolean) => {
    const events = figures.ops * batchSize;
    return {
      driver: round((cpuMs.driver * 1000) / events, 2),
      ...(region ? { region: round((cpuMs.server * 1000) / events, 2) } : {}),
      broker: round((cpuMs.broker * 1000) / events, 2),
    };
  };
  // The event log's ceiling: the fastest client's raw produce.
  let raw = 0;
  for (const client of rawClients.keys()) {
    const result = results.get(rawCase(client))!;
    raw = Math.max(raw, result.figures.opsPerSecond);
    jsonLine({
      bench: BENCH,
      case: rawCase(client),
      batchSize,
      inFlight,
      ...result.figures,
      recordsPerSecond: result.figures.opsPerSecond * batchSize,
      cpuUsPerRecord: cpuPerEvent(result, false),
      driver: load,
    });
  }
  rawProduce.set(inFlight, raw * batchSize);
  // The product's rate: the better of the two producer clients (not the control).
  const [onKafkajs, onPlatformatic] = apis.map(({ label }) => results.get(label)!.figures);
  ingestRates.set(
    inFlight,
    Math.max(onKafkajs!.opsPerSecond, onPlatformatic!.opsPerSecond) * batchSize,
  );
  for (const { label, bodies } of apis) {
    const result = results.get(label)!;
    jsonLine({
      bench: BENCH,
      case: label,
      batchSize,
      inFlight,
      ...result.figures,
      eventsPerSecond: result.figures.opsPerSecond * batchSize,
      ratioToRawProduce: result.figures.opsPerSecond / raw,
      cpuUsPerEvent: cpuPerEvent(result, true),
      builtInLoop: bodies.builtInLoop,
      driver: load,
    });
    bodies.builtInLoop = 0;
  }
}
await control.stop();
for (const { close } of rawClients.values()) await close();
const published =
  (await metric(ingest.url, "region_ingested_events_total")) +
  (await metric(ingestMain.url, "region_ingested_events_total")) -
  conversations;
await ingest.stop();
await ingestMain.stop();
const bestProduce = Math.max(...rawProduce.values());
/** Ingest / raw produce at each in-flight count (each against the ceiling at the same count). */
function ratioByInFlight(): Record<number, number> {
  return Object.fromEntries(
    IN_FLIGHT.map((n) => [n, round((ingestRates.get(n) ?? 0) / (rawProduce.get(n) ?? 1), 2)]),
  );
}
const bestIngest = Math.max(...ingestRates.values());
if (kafkaOnly) {
  jsonLine({
    bench: BENCH,
    case: "summary",
    rawProduceRecordsPerSecond: bestProduce,
    ingestEventsPerSecond: bestIngest,
    ingestRatio: bestIngest / bestProduce,
    ingestTargetMet: bestIngest >= 0.8 * bestProduce,
    ingestRatioByInFlight: ratioByInFlight(),
  });
  await storage.drop();
  process.exit(0);
}

// ── raw Cassandra: one prepared INSERT per row ──
const client = createCassandraClient(parseCqlConfig(storage.cassandraEnv(dc)));
await client.connect();
const insert =
  `INSERT INTO ${storage.keyspace}.messages_by_conversation (conversation_id, bucket, seq, ` +
  "message_id, client_msg_id, sender_id, kind, body, media, reply_to_seq, server_ts) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const rawInsert: { concurrency: number; rowsPerSecond: number }[] = [];
for (const concurrency of INSERT_CONCURRENCY) {
  const figures = await measureFor(
    `raw insert c${concurrency}`,
    seconds,
    concurrency,
    async (i) => {
      const m = message(`g:raw-${concurrency}-${i % 256}`, Math.floor(i / 256) + 1);
      await client.execute(
        insert,
        [
          m.conversationId,
          bucketOf(m.seq),
          m.seq,
          m.messageId,
          m.clientMsgId,
          m.senderId,
          "text",
          text(m.seq),
          null,
          null,
          new Date(m.serverTs),
        ],
        { prepare: true, consistency: cassandra.types.consistencies.localQuorum },
      );
    },
  );
  rawInsert.push({ concurrency, rowsPerSecond: figures.opsPerSecond });
  jsonLine({ bench: BENCH, case: "raw cassandra insert", concurrency, ...figures });
}
await client.shutdown();

// ── the product: persister → Cassandra ──
const persister = await RegionProcess.create({ regionId: "bench-persist", env: regionEnv });
const driver = watchDriver();
await persister.start();
let first: { at: number; count: number } | undefined;
let last = 0;
let applied = 0;
await until(
  async () => {
    applied = await metric(persister.url, "region_persisted_records_total");
    const at = performance.now();
    if (applied > 0 && !first) first = { at, count: applied };
    last = at;
    return applied >= published;
  },
  `the persister to apply ${published} messages`,
  { everyMs: 50, timeoutMs: 600_000 },
);
const statements = await metric(persister.url, "region_cassandra_statements_total");
const requests = await metric(persister.url, "region_cassandra_requests_total");
await persister.stop();
const persistSeconds = (last - (first?.at ?? last)) / 1000;
const persistRate = (applied - (first?.count ?? 0)) / persistSeconds;
const bestInsert = Math.max(...rawInsert.map((r) => r.rowsPerSecond));
jsonLine({
  bench: BENCH,
  case: "persister → cassandra",
  groupSize,
  conversations,
  messages: applied,
  seconds: persistSeconds,
  eventsPerSecond: persistRate,
  ratioToRawInsert: persistRate / bestInsert,
  statementsPerMessage: round(statements / applied, 3),
  requestsPerMessage: round(requests / applied, 3),
  driver: driver(),
});

jsonLine({
  bench: BENCH,
  case: "summary",
  rawInsertRowsPerSecond: bestInsert,
  persistEventsPerSecond: persistRate,
  persistRatio: persistRate / bestInsert,
  persistTargetMet: persistRate >= 0.8 * bestInsert,
  rawProduceRecordsPerSecond: bestProduce,
  ingestEventsPerSecond: bestIngest,
  ingestRatio: bestIngest / bestProduce,
  ingestTargetMet: bestIngest >= 0.8 * bestProduce,
  ingestRatioByInFlight: ratioByInFlight(),
  statementsPerMessage: round(statements / applied, 3),
  groupSize,
});
await storage.drop();

async function metric(url: string, name: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of body.split("\n")) {
    if (line.startsWith(name)) total += Number(line.split(" ").at(-1));
  }
  return total;
}
