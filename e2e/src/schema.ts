// One run's private storage: a unique keyspace over both datacenters, created by the project's
// migration runner (@edge-chat/cql), and unique Kafka topic names, so runs never see each other's
// data and reruns start clean.
import { randomUUID } from "node:crypto";
import {
  bucketOf,
  type CassandraClient,
  createCassandraClient,
  MESSAGES_BY_CONVERSATION as M,
  migrate,
  parseCqlConfig,
  TABLES,
} from "@edge-chat/cql";
import type { ServiceEndpoints } from "@edge-chat/services";
import { Kafka, logLevel } from "kafkajs";

export interface RunStorage {
  runId: string;
  keyspace: string;
  /** CASSANDRA_* settings for a process in datacenter `dc`. */
  cassandraEnv(dc: string): Record<string, string>;
  /** Kafka topic names unique to this run, for one region. */
  topics(region: string): { topic: string; dlqTopic: string; groupId: string };
  /**
   * (seq, client message id, write time) of every row stored for a conversation up to `lastSeq`,
   * read straight from the messages table in datacenter `dc` at LOCAL_QUORUM, ascending.
   */
  storedRows(conversationId: string, dc: string, lastSeq: number): Promise<StoredRow[]>;
  /** Drops the keyspace, deletes the run's topics and closes the clients. */
  drop(): Promise<void>;
}

export interface StoredRow {
  seq: number;
  clientMsgId: string;
  /**
   * WRITETIME of the body in ms: the persister's insert carries the driver's client-side
   * timestamp, so this is when region-core wrote it, on this machine's clock.
   */
  writtenAt: number;
}

export async function createRunStorage(
  services: Pick<ServiceEndpoints, "cassandra" | "kafka">,
  label: string,
): Promise<RunStorage> {
  const runId = `${label}-${randomUUID().slice(0, 8)}`;
  const keyspace = `${label}_${runId.slice(label.length + 1)}`.replace(/[^A-Za-z0-9_]/g, "_");
  const { cassandra } = services;
  const contactPoints = cassandra.dataCenters
    .flatMap((dc) => dc.hosts)
    .map((host) => `${host}:${cassandra.port}`)
    .join(",");
  const replication = cassandra.dataCenters.map((dc) => `${dc.name}:1`).join(",");
  const cassandraEnv = (dc: string) => ({
    CASSANDRA_CONTACT_POINTS: contactPoints,
    CASSANDRA_LOCAL_DC: dc,
    CASSANDRA_KEYSPACE: keyspace,
    CASSANDRA_REPLICATION: replication,
  });
  const first = cassandra.dataCenters[0]?.name ?? "dc1";
  await migrate({ config: parseCqlConfig(cassandraEnv(first)) });
  const topicNames = new Set<string>();
  const clients = new Map<string, CassandraClient>();
  const clientFor = async (dc: string) => {
    let client = clients.get(dc);
    if (!client) {
      client = createCassandraClient(parseCqlConfig(cassandraEnv(dc)));
      clients.set(dc, client);
      await client.connect();
    }
    return client;
  };
  return {
    runId,
    keyspace,
    cassandraEnv,
    topics: (region) => {
      const topic = `${runId}.${region}.events`;
      const dlqTopic = `${topic}.dlq`;
      topicNames.add(topic).add(dlqTopic);
      return { topic, dlqTopic, groupId: `${runId}.${region}.persister` };
    },
    async storedRows(conversationId, dc, lastSeq) {
      const client = await clientFor(dc);
      const rows: StoredRow[] = [];
      for (let bucket = 0; bucket <= bucketOf(Math.max(1, lastSeq)); bucket++) {
        const result = await client.execute(
          `SELECT ${M.seq}, ${M.clientMsgId}, WRITETIME(${M.body}) AS w FROM ${keyspace}.${TABLES.messagesByConversation}
           WHERE ${M.conversationId} = ? AND ${M.bucket} = ?`,
          [conversationId, bucket],
          { prepare: true, fetchSize: 5000 },
        );
        for (const row of result.rows) {
          rows.push({
            seq: Number(row[M.seq]),
            clientMsgId: String(row[M.clientMsgId]),
            writtenAt: Number(row.w) / 1000,
          });
        }
      }
      return rows.sort((a, b) => a.seq - b.seq);
    },
    async drop() {
      try {
        const client = await clientFor(first);
        await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      } finally {
        await Promise.all([...clients.values()].map((client) => client.shutdown()));
        await deleteTopics(services.kafka.brokers, [...topicNames]);
      }
    },
  };
}

async function deleteTopics(brokers: readonly string[], topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}
