// Benchmark: raw produce with each Kafka client the region could use, on the same broker, in one
// run: kafkajs and @platformatic/kafka (both in the repo), and @confluentinc/kafka-javascript
// (librdkafka) when it is installed, through its KafkaJS-compatible API and its native Producer
// (raw-produce.ts). #8 asks to measure the librdkafka client and switch if it is clearly faster: a
// client's raw produce is the most an adapter behind EventPublisher could reach, so this compares
// the clients themselves. Idempotent, acks=all, batches of 100 records of the product's event size,
// one key per batch (as the ingest API's batches), 1 and 4 batches in flight, rounds alternated
// between the clients so a noisy moment of the shared machine lands on all of them.
//
// Output: one JSON line per client and in-flight count: records/s, CPU µs per record of this
// process (the client, its native threads included) and of the broker, and the driver's load.
// Usage: npm run bench -- kafka-clients [--seconds 6]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { ensureServices, servicesStatus } from "@edge-chat/services";
import { alternateRounds, jsonLine, round } from "./measure.ts";
import { rawProducers } from "./raw-produce.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "6" } } });
const seconds = Number(values.seconds);
const ROUNDS = 3;
const BATCH = 100;
const KEYS = 64;
const IN_FLIGHT = [1, 4];

const services = await ensureServices({ only: ["kafka"] });
const brokerPid = (await servicesStatus({ only: ["kafka"] })).find((row) =>
  row.service.startsWith("kafka"),
)?.pid;
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
const { producers, librdkafka } = await rawProducers({
  brokers: services.kafka.brokers,
  topic: `bench-kafka-clients-${randomUUID()}`,
  clientId: "bench-kafka-clients",
  value,
  batchSize: BATCH,
  keyOf: (i) => `g:raw-${i % KEYS}`,
});
if (librdkafka === undefined) {
  jsonLine({
    bench: "kafka-clients",
    client: "@confluentinc/kafka-javascript",
    skipped: "not installed (set CONFLUENT_KAFKA_JS to its package directory)",
  });
} else console.error(`librdkafka ${librdkafka}`);

for (const inFlight of IN_FLIGHT) {
  const results = await alternateRounds(producers, {
    seconds,
    rounds: ROUNDS,
    inFlight,
    brokerPid,
  });
  for (const [name, { figures, cpuMs, saturated }] of results) {
    const records = figures.ops * BATCH;
    jsonLine({
      bench: "kafka-clients",
      client: name,
      inFlight,
      batchSize: BATCH,
      recordsPerSecond: Math.round(figures.opsPerSecond * BATCH),
      batchP50Ms: figures.p50Ms,
      batchP99Ms: figures.p99Ms,
      cpuUsPerRecord: {
        client: round((cpuMs.driver * 1000) / records, 2),
        broker: round((cpuMs.broker * 1000) / records, 2),
      },
      // The client is the thing measured, so a saturated event loop is its own ceiling here.
      driver: { saturated },
    });
  }
}
for (const { close } of producers.values()) await close();
process.exit(0);
