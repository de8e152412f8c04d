// Helpers for suites that use the real services: a keyspace and topics unique to this run (so
// reruns never collide), migrated with @edge-chat/cql's runner, and region configs per datacenter.
import { randomUUID } from "node:crypto";
import { createCassandraClient, migrate, parseCqlConfig } from "@edge-chat/cql";
import type { ServiceEndpoints } from "@edge-chat/services";
import type { Kafka } from "kafkajs";
// Brings in the typing of inject("services") provided by the harness's global setup.
import type {} from "../../tools/services/vitest.global-setup.ts";
import { type Config, loadConfig } from "../src/config.ts";

export const RUN = randomUUID().replaceAll("-", "").slice(0, 10);

export function cassandraEnv(services: ServiceEndpoints, dc: string, keyspace: string) {
  const hosts = services.cassandra.dataCenters.find((d) => d.name === dc)?.hosts ?? [];
  return {
    CASSANDRA_CONTACT_POINTS: hosts.map((h) => `${h}:${services.cassandra.port}`).join(","),
    CASSANDRA_LOCAL_DC: dc,
    CASSANDRA_KEYSPACE: keyspace,
    CASSANDRA_REPLICATION: services.cassandra.dataCenters.map((d) => `${d.name}:1`).join(","),
  };
}

/** Creates and migrates a fresh keyspace over every datacenter. */
export async function createKeyspace(services: ServiceEndpoints, keyspace: string): Promise<void> {
  await migrate({ config: parseCqlConfig(cassandraEnv(services, "dc1", keyspace)) });
}

export async function dropKeyspace(services: ServiceEndpoints, keyspace: string): Promise<void> {
  const client = createCassandraClient(parseCqlConfig(cassandraEnv(services, "dc1", keyspace)));
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  } finally {
    await client.shutdown();
  }
}

/** Deletes topics a run created (they are unique per run; this only keeps the broker tidy). */
export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export function realConfig(
  services: ServiceEndpoints,
  options: {
    regionId: string;
    dc: string;
    keyspace: string;
    topic: string;
    jwks?: string;
    env?: Record<string, string>;
  },
): Config {
  return loadConfig({
    REGION_ID: options.regionId,
    PORT: "0",
    ADAPTERS: "real",
    KAFKA_BROKERS: services.kafka.brokers.join(","),
    KAFKA_TOPIC: options.topic,
    KAFKA_DLQ_TOPIC: `${options.topic}.dlq`,
    KAFKA_PARTITIONS: "3",
    CASSANDRA_MIGRATE: "false",
    SERVICE_JWKS:
      options.jwks ??
      JSON.stringify({
        keys: [{ kty: "OKP", crv: "Ed25519", x: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
      }),
    ...cassandraEnv(services, options.dc, options.keyspace),
    ...options.env,
  });
}
