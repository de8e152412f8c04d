// Benchmark: raw produce with each Kafka client the region could use, on the same broker, in one
// run: kafkajs and @platformatic/kafka (both in the repo), and @confluentinc/kafka-javascript
// (librdkafka) when it is installed, through its KafkaJS-compatible API and its native Producer.
// #8 asks to measure the librdkafka client and switch if it is clearly faster: a client's raw
// produce is the most an adapter behind EventPublisher could reach, so this compares the clients
// themselves. Idempotent, acks=all, batches of 100 records of the product's event size, one key per
// batch (as the ingest API's batches), 1 and 4 batches in flight, rounds alternated between the
// clients so a noisy moment of the shared machine lands on all of them.
//
// @confluentinc/kafka-javascript is not a dependency: its install downloads a prebuilt binary,
// impossible here. It builds from its bundled librdkafka source against the system's zlib and
// OpenSSL in ~2 minutes (see bench/README.md); point CONFLUENT_KAFKA_JS at the installed package.
//
// Output: one JSON line per client and in-flight count: records/s, CPU µs per record of this
// process (the client, its native threads included) and of the broker, and the driver's load.
// Usage: npm run bench -- kafka-clients [--seconds 6]
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { ensureServices, servicesStatus } from "@edge-chat/services";
import {
  ProduceAcks,
  Producer as PlatformaticProducer,
  stringSerializers,
} from "@platformatic/kafka";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { cpuMsOf, type Figures, jsonLine, measureFor, round, summarize } from "./measure.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "6" } } });
const seconds = Number(values.seconds);
const ROUNDS = 3;
const BATCH = 100;
const KEYS = 64;
const IN_FLIGHT = [1, 4];

const services = await ensureServices({ only: ["kafka"] });
const brokers = services.kafka.brokers;
const brokerPid = (await servicesStatus({ only: ["kafka"] })).find((row) =>
  row.service.startsWith("kafka"),
)?.pid;
const topic = `bench-kafka-clients-${randomUUID()}`;
// The product's event size: a text message event as the ingest API publishes it (~330 bytes).
const value = JSON.stringify({
  type: "message",
  message: {
    conversationId: "g:bench-kafka-clients",
    seq: 1,
    messageId: randomUUID(),
    clientMsgId: randomUUID(),
    senderId: "u1",
    content: { kind: "text", text: "benchmark message 1 ".repeat(4) },
    serverTs: Date.now(),
  },
});
const keyOf = (i: number) => `g:raw-${i % KEYS}`;

const kafka = new Kafka({ clientId: "bench-kafka-clients", brokers, logLevel: logLevel.WARN });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  waitForLeaders: true,
  topics: [{ topic, numPartitions: 8, replicationFactor: 1 }],
});
await admin.disconnect();

type Send = (i: number) => Promise<void>;
const clients = new Map<string, { send: Send; close: () => Promise<void> }>();

const kafkajs = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
await kafkajs.connect();
clients.set("kafkajs", {
  send: async (i) => {
    const key = keyOf(i);
    await kafkajs.send({
      topic,
      acks: -1,
      messages: Array.from({ length: BATCH }, () => ({ key, value })),
    });
  },
  close: () => kafkajs.disconnect(),
});

const platformatic = new PlatformaticProducer<string, string, string, string>({
  clientId: "bench-kafka-clients-platformatic",
  bootstrapBrokers: brokers,
  idempotent: true,
  acks: ProduceAcks.ALL,
  serializers: stringSerializers,
});
clients.set("@platformatic/kafka", {
  send: async (i) => {
    const key = keyOf(i);
    await platformatic.send({
      acks: ProduceAcks.ALL,
      messages: Array.from({ length: BATCH }, () => ({ topic, key, value })),
    });
  },
  close: () => platformatic.close(),
});

// ── @confluentinc/kafka-javascript, typed by the little of it used here ──
interface ConfluentKafkaJsProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: { key: string; value: string }[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}
interface ConfluentNativeProducer {
  connect(options: object, callback: (error: Error | null) => void): void;
  setPollInterval(ms: number): void;
  on(
    event: "delivery-report",
    listener: (error: Error | null, report: { opaque: number }) => void,
  ): void;
  produce(
    topic: string,
    partition: null,
    value: Buffer,
    key: string,
    timestamp: null,
    opaque: number,
  ): void;
  disconnect(callback: () => void): void;
}
interface ConfluentModule {
  librdkafkaVersion: string;
  Producer: new (config: Record<string, unknown>) => ConfluentNativeProducer;
  KafkaJS: {
    Kafka: new (config: {
      kafkaJS: { brokers: string[]; logLevel: number };
    }) => { producer(config: Record<string, unknown>): ConfluentKafkaJsProducer };
    logLevel: { WARN: number };
  };
}

function loadConfluent(): ConfluentModule | undefined {
  const where = process.env.CONFLUENT_KAFKA_JS ?? "@confluentinc/kafka-javascript";
  try {
    return createRequire(import.meta.url)(where) as ConfluentModule;
  } catch {
    return undefined;
  }
}
const confluent = loadConfluent();
if (confluent === undefined) {
  jsonLine({
    bench: "kafka-clients",
    client: "@confluentinc/kafka-javascript",
    skipped: "not installed (set CONFLUENT_KAFKA_JS to its package directory)",
  });
} else {
  // WARN: its default logger prints connects and disconnects to stdout, among the JSON lines.
  const { Kafka: CompatKafka, logLevel: compatLevel } = confluent.KafkaJS;
  const compat = new CompatKafka({ kafkaJS: { brokers, logLevel: compatLevel.WARN } }).producer({
    kafkaJS: { idempotent: true, acks: -1 },
    "linger.ms": 0,
  });
  await compat.connect();
  clients.set("@confluentinc/kafka-javascript (KafkaJS API)", {
    send: async (i) => {
      const key = keyOf(i);
      await compat.send({ topic, messages: Array.from({ length: BATCH }, () => ({ key, value })) });
    },
    close: () => compat.disconnect(),
  });
  // The native Producer: produce() per record, one delivery report each, no promise per record.
  const native = new confluent.Producer({
    "metadata.broker.list": brokers.join(","),
    "enable.idempotence": true,
    acks: -1,
    dr_cb: true,
    "linger.ms": 0,
  });
  await new Promise<void>((resolve, reject) =>
    native.connect({}, (error) => (error ? reject(error) : resolve())),
  );
  native.setPollInterval(1);
  const pending = new Map<number, { left: number; done: (error?: Error) => void }>();
  native.on("delivery-report", (error, report) => {
    const batch = pending.get(report.opaque);
    if (batch === undefined) return;
    if (error) {
      pending.delete(report.opaque);
      batch.done(error);
    } else if (--batch.left === 0) {
      pending.delete(report.opaque);
      batch.done();
    }
  });
  const bytes = Buffer.from(value);
  let opaque = 0;
  clients.set("@confluentinc/kafka-javascript (native Producer)", {
    send: (i) =>
      new Promise<void>((resolve, reject) => {
        const id = ++opaque;
        pending.set(id, { left: BATCH, done: (error) => (error ? reject(error) : resolve()) });
        const key = keyOf(i);
        for (let k = 0; k < BATCH; k++) native.produce(topic, null, bytes, key, null, id);
      }),
    close: () => new Promise<void>((resolve) => native.disconnect(resolve)),
  });
  console.error(`librdkafka ${confluent.librdkafkaVersion}`);
}

// Warm-up: connections to every partition leader, producer ids, JIT.
for (const { send } of clients.values()) for (let i = 0; i < 2 * KEYS; i++) await send(i);

for (const inFlight of IN_FLIGHT) {
  const rounds = new Map<string, Figures[]>();
  const latencies = new Map<string, number[]>();
  const cpu = new Map<string, { client: number; broker: number; saturated: boolean }>();
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order too, so no client always runs after the same one.
    const order = [...clients.keys()];
    if (r % 2 === 1) order.reverse();
    for (const name of order) {
      const client = process.cpuUsage();
      const broker = cpuMsOf(brokerPid);
      const figures = await measureFor(
        `${name} ${inFlight}`,
        seconds / ROUNDS,
        inFlight,
        clients.get(name)!.send,
        latencies.get(name) ?? latencies.set(name, []).get(name),
      );
      const spent = process.cpuUsage(client);
      const sum = cpu.get(name) ?? { client: 0, broker: 0, saturated: false };
      cpu.set(name, {
        client: sum.client + (spent.user + spent.system) / 1000,
        broker: sum.broker + cpuMsOf(brokerPid) - broker,
        saturated: sum.saturated || figures.driver.saturated,
      });
      rounds.set(name, [...(rounds.get(name) ?? []), figures]);
    }
  }
  for (const [name, figures] of rounds) {
    const ops = figures.reduce((sum, f) => sum + f.ops, 0);
    const elapsed = figures.reduce((sum, f) => sum + f.seconds, 0);
    const merged = summarize(name, ops, elapsed, latencies.get(name) ?? []);
    const records = ops * BATCH;
    const used = cpu.get(name)!;
    jsonLine({
      bench: "kafka-clients",
      client: name,
      inFlight,
      batchSize: BATCH,
      recordsPerSecond: Math.round(merged.opsPerSecond * BATCH),
      batchP50Ms: merged.p50Ms,
      batchP99Ms: merged.p99Ms,
      cpuUsPerRecord: {
        client: round((used.client * 1000) / records, 2),
        broker: round((used.broker * 1000) / records, 2),
      },
      // The client is the thing measured, so a saturated event loop is its own ceiling here.
      driver: { saturated: used.saturated },
    });
  }
}
for (const { close } of clients.values()) await close();
process.exit(0);
