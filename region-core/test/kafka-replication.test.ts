// Kafka with replication (#12): a 3-broker KRaft cluster of its own (own run dir and ports; the
// shared single broker is never touched), a topic with RF 3 and min.insync.replicas 2, and the
// region's own producer path (the default producer, idempotent, acks=all) publishing under load
// while one broker is stopped and started again. Every publish that resolved must be in the log, in
// order per key; publishes keep being acknowledged while the broker is down (two in-sync replicas
// remain). A publish that failed is retried as the edge's region outbox would (duplicates are
// allowed: the persister is idempotent by (conversation, seq)); only acknowledged records are
// counted.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServices, startTarget, stopServices, stopTarget } from "@edge-chat/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectProducer,
  createKafka,
  ensureTopics,
  mainThreadProducer,
  type ProducerHandle,
} from "../src/events/kafka.ts";
import { connectPlatformaticProducer } from "../src/events/platformatic.ts";

const KEYS = 12;
const BATCH = 20;

/** A port free on 127.0.0.1 (the brokers listen on 127.0.0.1..3 with the same ports). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let env: Record<string, string | undefined>;
let runDir: string;
let brokers: string[];

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), "edge-chat-kafka3-"));
  const port = await freePort();
  let controller = await freePort();
  while (controller === port) controller = await freePort();
  env = {
    ...process.env,
    EDGE_CHAT_SERVICES_DIR: runDir,
    EDGE_CHAT_KAFKA_BROKERS: "3",
    EDGE_CHAT_KAFKA_PORT: String(port),
    EDGE_CHAT_KAFKA_CONTROLLER_PORT: String(controller),
    EDGE_CHAT_KAFKA_HEAP: "256M",
  };
  ({
    kafka: { brokers },
  } = await ensureServices({ only: ["kafka"], env }));
});

afterAll(async () => {
  if (!env) return;
  await stopServices({ only: ["kafka"], env });
  rmSync(runDir, { recursive: true, force: true });
});

// In `npm test` (about a minute and three small JVMs); alone: `npm run test:kafka-cluster`.
describe("Kafka with three brokers, RF 3, min.insync.replicas 2", () => {
  it("loses nothing acknowledged while a broker restarts under load", async () => {
    expect(brokers).toHaveLength(3);
    const kafka = createKafka({ brokers, clientId: "kafka-replication-test" });
    const topic = "replicated.events";
    await retrying(() => ensureTopics(kafka, [topic], 6, 3));
    const admin = kafka.admin();
    await admin.connect();
    // Metadata reaches every broker a moment after the topic is created: ask again meanwhile.
    const [described] = (await retrying(() => admin.fetchTopicMetadata({ topics: [topic] })))
      .topics;
    const configs = await retrying(() =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ["min.insync.replicas"] }],
      }),
    );
    expect(described!.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe("2");

    // The region's default producer (@platformatic/kafka), or KAFKA_PRODUCER=kafkajs.
    const producer: ProducerHandle =
      process.env.KAFKA_PRODUCER === "kafkajs"
        ? mainThreadProducer(await connectProducer(kafka))
        : await connectPlatformaticProducer({ brokers, clientId: "kafka-replication-producer" });
    const publisher = producer.publisher(topic);
    const acked = new Map<string, number[]>();
    let phase: "before" | "down" | "after" = "before";
    const ackedIn = { before: 0, down: 0, after: 0 };
    let failures = 0;
    let running = true;

    // Each key's next value is published only after the previous batch was acknowledged, as a
    // conversation's region outbox does, so per-key order is the order of acknowledgement.
    async function load(key: string): Promise<void> {
      let next = 0;
      while (running) {
        const values = Array.from({ length: BATCH }, (_, i) => next + i);
        try {
          await publisher.publish(values.map((v) => ({ key, value: String(v) })));
          acked.get(key)!.push(...values);
          ackedIn[phase] += values.length;
          next += BATCH;
        } catch {
          failures++;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
    const keys = Array.from({ length: KEYS }, (_, i) => `g:k${i}`);
    for (const key of keys) acked.set(key, []);
    const loads = keys.map(load);
    const untilAcked = async (count: () => number, target: number) => {
      while (count() < target) await new Promise((resolve) => setTimeout(resolve, 50));
    };

    await untilAcked(() => ackedIn.before, 2_000);
    expect(await stopTarget("kafka:broker2", { env })).toEqual(["kafka2"]);
    phase = "down";
    await untilAcked(() => ackedIn.down, 2_000);
    await startTarget("kafka:broker2", { env });
    phase = "after";
    await untilAcked(() => ackedIn.after, 2_000);
    running = false;
    await Promise.all(loads);
    await producer.close();

    // Read everything back from the start, up to the end offsets as they are now.
    const total = [...acked.values()].reduce((n, values) => n + values.length, 0);
    const ends = await retrying(() => admin.fetchTopicOffsets(topic));
    await admin.disconnect();
    const remaining = new Set(
      ends.filter((end) => Number(end.high) > 0).map((end) => end.partition),
    );
    const seen = new Map<string, number[]>(keys.map((key) => [key, []]));
    const consumer = kafka.consumer({ groupId: "kafka-replication-check" });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let read = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.get(message.key!.toString())!.push(Number(message.value!.toString()));
          read++;
          const high = Number(ends.find((end) => end.partition === partition)!.high);
          if (Number(message.offset) >= high - 1) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    console.log(
      JSON.stringify({
        test: "kafka broker restart",
        acknowledged: total,
        ackedWhileDown: ackedIn.down,
        failedPublishes: failures,
        read,
      }),
    );
    const lost = keys.flatMap((key) => {
      const log = new Set(seen.get(key));
      return acked
        .get(key)!
        .filter((value) => !log.has(value))
        .map((value) => `${key}#${value}`);
    });
    expect(lost).toEqual([]);
    for (const key of keys) {
      expect(includesInOrder(seen.get(key)!, acked.get(key)!), `order of ${key}`).toBe(true);
    }
    expect(ackedIn.down).toBeGreaterThanOrEqual(2_000);
  });
});

/**
 * True when every acknowledged value is in the log, in acknowledgement order (a value retried
 * after a failed publish may also appear earlier; the last copy before the next value counts).
 */
function includesInOrder(log: readonly number[], acked: readonly number[]): boolean {
  const firstAt = new Map<number, number>();
  log.forEach((value, offset) => {
    if (!firstAt.has(value)) firstAt.set(value, offset);
  });
  let previous = -1;
  for (const value of acked) {
    const at = firstAt.get(value);
    if (at === undefined || at < previous) return false;
    previous = at;
  }
  return true;
}

/** Retries a metadata call that a broker may refuse while leadership or metadata moves. */
async function retrying<T>(call: () => Promise<T>, attempts = 40): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
