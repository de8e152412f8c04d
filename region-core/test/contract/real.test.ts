// The contract suites against the real adapters: Cassandra (a fresh keyspace over both DCs, read
// and written from dc1 at LOCAL_QUORUM) and Kafka (fresh topics).
import { randomUUID } from "node:crypto";
import { createCassandraClient, parseCqlConfig } from "@edge-chat/cql";
import type { Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, inject } from "vitest";
import { cassandraDevices, cassandraNotificationSettings } from "../../src/devices/cassandra.ts";
import {
  connectProducer,
  createKafka,
  ensureTopics,
  kafkaConsumer,
  kafkaPublisher,
} from "../../src/events/kafka.ts";
import { connectPlatformaticProducer } from "../../src/events/platformatic.ts";
import { platformaticConsumer } from "../../src/events/platformatic-consumer.ts";
import type { EventConsumer } from "../../src/events/ports.ts";
import type { ProducerHandle } from "../../src/events/kafka.ts";
import { cassandraRepositories } from "../../src/repositories/cassandra/index.ts";
import { createSession } from "../../src/repositories/cassandra/session.ts";
import type { EventPublisher } from "../../src/events/ports.ts";
import type { Repositories } from "../../src/repositories/ports.ts";
import { cassandraEnv, createKeyspace, deleteTopics, dropKeyspace, RUN } from "../real.ts";
import { devicesContract } from "./devices.contract.ts";
import { eventLogContract } from "./event-log.contract.ts";
import { repositoryContract } from "./repositories.contract.ts";
import { messageChangesContract } from "./message-changes.contract.ts";

const services = inject("services");
const keyspace = `rc_contract_${RUN}`;
let repositories: Repositories;
let session: ReturnType<typeof createSession>;
let client: ReturnType<typeof createCassandraClient>;
let kafka: Kafka;
let producer: Producer;
let platformatic: ProducerHandle;

beforeAll(async () => {
  await createKeyspace(services, keyspace);
  client = createCassandraClient(parseCqlConfig(cassandraEnv(services, "dc1", keyspace)));
  await client.connect();
  session = createSession(client, keyspace, "LOCAL_QUORUM");
  repositories = cassandraRepositories(session);
  kafka = createKafka({ brokers: services.kafka.brokers, clientId: `contract-${RUN}` });
  producer = await connectProducer(kafka);
  platformatic = await connectPlatformaticProducer({
    brokers: services.kafka.brokers,
    clientId: `contract-platformatic-${RUN}`,
  });
});

const topics: string[] = [];

afterAll(async () => {
  await producer?.disconnect();
  await platformatic?.close();
  await deleteTopics(kafka, topics);
  await client?.shutdown();
  await dropKeyspace(services, keyspace);
});

repositoryContract("cassandra", () => repositories);
devicesContract("cassandra", () => ({
  devices: cassandraDevices(session),
  settings: cassandraNotificationSettings(session),
}));
messageChangesContract("cassandra", () => repositories);

/** Kafka topics and consumers, with the publisher and the consumer under test. */
function kafkaLog(
  publisher: (topic: string) => EventPublisher,
  consumer: (topic: string, groupId: string) => EventConsumer = (topic, groupId) =>
    kafkaConsumer(kafka, { topic, groupId, partitionsConsumedConcurrently: 2 }),
) {
  return () => ({
    topic: async () => {
      const topic = `rc-contract-${RUN}-${randomUUID().slice(0, 6)}`;
      await ensureTopics(kafka, [topic], 3, 1);
      topics.push(topic);
      return topic;
    },
    publisher,
    consumer,
  });
}

eventLogContract(
  "kafka",
  kafkaLog((topic) => kafkaPublisher(producer, topic)),
);
// The same contract with the @platformatic/kafka producer (KAFKA_PRODUCER=platformatic, the default).
eventLogContract(
  "kafka, platformatic producer",
  kafkaLog((topic) => platformatic.publisher(topic)),
);
// The @platformatic/kafka consumer (KAFKA_CONSUMER=platformatic), static membership on.
eventLogContract(
  "kafka, platformatic consumer",
  kafkaLog(
    (topic) => platformatic.publisher(topic),
    (topic, groupId) =>
      platformaticConsumer(
        { brokers: services.kafka.brokers, clientId: `contract-consumer-${RUN}` },
        {
          topic,
          groupId,
          groupInstanceId: `${groupId}-static`,
          partitionsConsumedConcurrently: 2,
          sessionTimeoutMs: 6_000,
          heartbeatIntervalMs: 1_000,
        },
      ),
  ),
);
