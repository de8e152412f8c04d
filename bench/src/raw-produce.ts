// The raw produce the benchmarks set the region's event log against (ingest, kafka-clients): each
// Kafka client the region could use, sending straight to the broker with nothing of the product in
// between. Idempotent, acks=all, a batch of `batchSize` copies of one pre-serialised record of the
// product's event size per send, one key per batch (as the ingest API's batches: one conversation,
// one partition). kafkajs and @platformatic/kafka are in the repo; @confluentinc/kafka-javascript
// (librdkafka) joins, through its KafkaJS-compatible API and its native Producer, when it loads.
//
// @confluentinc/kafka-javascript is not a dependency: its install downloads a prebuilt binary,
// impossible here. It builds from its bundled librdkafka source against the system's zlib and
// OpenSSL in ~2 minutes (see bench/README.md); CONFLUENT_KAFKA_JS points at the installed package.
import { createRequire } from "node:module";
import {
  ProduceAcks,
  Producer as PlatformaticProducer,
  stringSerializers,
} from "@platformatic/kafka";
import { Kafka, logLevel, Partitioners } from "kafkajs";

export interface RawProducer {
  /** Sends batch `i` (its key is `keyOf(i)`) and resolves once the broker acknowledged it. */
  readonly send: (i: number) => Promise<void>;
  readonly close: () => Promise<void>;
}

export interface RawProduceOptions {
  readonly brokers: string[];
  /** Created here, with 8 partitions. */
  readonly topic: string;
  readonly clientId: string;
  readonly value: string;
  readonly batchSize: number;
  readonly keyOf: (i: number) => string;
}

/**
 * One connected producer per client, by name ("kafkajs", "@platformatic/kafka", and the two
 * librdkafka ones when it loads), each warmed up (connections to every partition leader, producer
 * ids, JIT) over `warmUp` batches; `librdkafka` is the version that joined, if one did.
 */
export async function rawProducers(
  options: RawProduceOptions,
  warmUp = 128,
): Promise<{ producers: Map<string, RawProducer>; librdkafka: string | undefined }> {
  const { brokers, topic, clientId, value, batchSize, keyOf } = options;
  const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 8, replicationFactor: 1 }],
  });
  await admin.disconnect();
  const batch = (i: number) => {
    const key = keyOf(i);
    return Array.from({ length: batchSize }, () => ({ key, value }));
  };
  const producers = new Map<string, RawProducer>();

  const kafkajs = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await kafkajs.connect();
  producers.set("kafkajs", {
    send: async (i) => {
      await kafkajs.send({ topic, acks: -1, messages: batch(i) });
    },
    close: () => kafkajs.disconnect(),
  });

  const platformatic = new PlatformaticProducer<string, string, string, string>({
    clientId: `${clientId}-platformatic`,
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: stringSerializers,
  });
  producers.set("@platformatic/kafka", {
    send: async (i) => {
      const key = keyOf(i);
      await platformatic.send({
        acks: ProduceAcks.ALL,
        messages: Array.from({ length: batchSize }, () => ({ topic, key, value })),
      });
    },
    close: () => platformatic.close(),
  });

  const confluent = loadConfluent();
  if (confluent !== undefined) {
    for (const [name, producer] of await confluentProducers(confluent, options, batch)) {
      producers.set(name, producer);
    }
  }
  for (const { send } of producers.values()) for (let i = 0; i < warmUp; i++) await send(i);
  return { producers, librdkafka: confluent?.librdkafkaVersion };
}

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

async function confluentProducers(
  confluent: ConfluentModule,
  { brokers, topic, value, batchSize, keyOf }: RawProduceOptions,
  batch: (i: number) => { key: string; value: string }[],
): Promise<Map<string, RawProducer>> {
  const producers = new Map<string, RawProducer>();
  // WARN: its default logger prints connects and disconnects to stdout, among the JSON lines.
  const { Kafka: CompatKafka, logLevel: compatLevel } = confluent.KafkaJS;
  const compat = new CompatKafka({ kafkaJS: { brokers, logLevel: compatLevel.WARN } }).producer({
    kafkaJS: { idempotent: true, acks: -1 },
    "linger.ms": 0,
  });
  await compat.connect();
  producers.set("@confluentinc/kafka-javascript (KafkaJS API)", {
    send: async (i) => {
      await compat.send({ topic, messages: batch(i) });
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
    const sent = pending.get(report.opaque);
    if (sent === undefined) return;
    if (error) {
      pending.delete(report.opaque);
      sent.done(error);
    } else if (--sent.left === 0) {
      pending.delete(report.opaque);
      sent.done();
    }
  });
  const bytes = Buffer.from(value);
  let opaque = 0;
  producers.set("@confluentinc/kafka-javascript (native Producer)", {
    send: (i) =>
      new Promise<void>((resolve, reject) => {
        const id = ++opaque;
        pending.set(id, { left: batchSize, done: (error) => (error ? reject(error) : resolve()) });
        const key = keyOf(i);
        for (let k = 0; k < batchSize; k++) native.produce(topic, null, bytes, key, null, id);
      }),
    close: () => new Promise<void>((resolve) => native.disconnect(resolve)),
  });
  return producers;
}
