// A real quorum: one region on a Cassandra datacenter of THREE nodes with RF 3 (its own small
// cluster, started through the services harness on its own addresses and run dir, 256 MB heaps),
// the real Kafka from the shared services. While batches flow through the ingest API, one node is
// stopped: LOCAL_QUORUM (2 of 3) writes and reads keep succeeding and every acknowledged message
// ends up stored. With two nodes down the region degrades in a typed, retriable way (history and
// storage answer `unavailable`, retriable; ingest keeps accepting, because Kafka, acks=all, holds
// the events while the persister retries), and once a node is back everything is stored exactly once.
//
// The cluster's harness settings are the usual EDGE_CHAT_* variables spelled EDGE_CHAT_QUORUM_*
// (e.g. EDGE_CHAT_QUORUM_CASSANDRA_ADDRESS_PREFIX=127.0.6.); if this run started the cluster, it
// stops it afterwards, otherwise it leaves it running (with every node started again).
import { homedir } from "node:os";
import { join } from "node:path";
import { type IngestBatch, type Message, RegionHistoryPage } from "@edge-chat/protocol";
import {
  type EnsureOptions,
  ensureServices,
  ownServicesEnv,
  servicesStatus,
  stopCassandraNode,
  stopServices,
} from "@edge-chat/services";
import { exportJWK, generateKeyPair } from "jose";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { createKafka, ensureTopics } from "../src/events/kafka.ts";
import { type RunningRegion, startRegion } from "../src/main.ts";
import {
  type CassandraRepositories,
  connectCassandra,
} from "../src/repositories/cassandra/index.ts";
import {
  batch,
  membershipEvent,
  message,
  messageEvent,
  serviceToken,
  uniqueGroup,
  waitFor,
} from "./fixtures.ts";
import { deleteTopics, RUN } from "./real.ts";

const services = inject("services");

/** The quorum cluster's harness environment: EDGE_CHAT_QUORUM_X overrides EDGE_CHAT_X. */
const quorumEnv = () =>
  ownServicesEnv("QUORUM", {
    EDGE_CHAT_SERVICES_DIR: join(homedir(), ".cache", "edge-chat", "run-quorum"),
    EDGE_CHAT_SERVICES_HOST: "127.0.3.100",
    EDGE_CHAT_CASSANDRA_ADDRESS_PREFIX: "127.0.3.",
    EDGE_CHAT_CASSANDRA_HEAP: "256M",
    EDGE_CHAT_CASSANDRA_CLUSTER_NAME: "edge-chat-quorum",
  });

const CLUSTER: EnsureOptions = {
  env: quorumEnv(),
  only: ["cassandra"],
  cassandraDcs: 1,
  cassandraNodesPerDc: 3,
};
const keyspace = `rc_quorum_${RUN}`;
const topic = `rc-quorum-${RUN}`;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let key: PrivateKey;
let startedHere = false;
let region: RunningRegion;
let storage: CassandraRepositories;
let kafka: Kafka;

beforeAll(async () => {
  const before = await servicesStatus(CLUSTER);
  startedHere = !before.every((row) => row.state === "healthy");
  const cluster = await ensureServices(CLUSTER);
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  key = keys.privateKey;
  kafka = createKafka({ brokers: services.kafka.brokers, clientId: `quorum-${RUN}` });
  await ensureTopics(kafka, [topic, `${topic}.dlq`], 3, 1);
  const config = loadConfig({
    REGION_ID: "eu-west",
    PORT: "0",
    ADAPTERS: "real",
    KAFKA_BROKERS: services.kafka.brokers.join(","),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    KAFKA_PARTITIONS: "3",
    CASSANDRA_CONTACT_POINTS: cluster.cassandra.contactPoints
      .map((host) => `${host}:${cluster.cassandra.port}`)
      .join(","),
    CASSANDRA_LOCAL_DC: "dc1",
    CASSANDRA_REPLICATION: "dc1:3",
    CASSANDRA_KEYSPACE: keyspace,
    CASSANDRA_CONSISTENCY: "LOCAL_QUORUM",
    CASSANDRA_MIGRATE: "true",
    SERVICE_JWKS: JSON.stringify({ keys: [await exportJWK(keys.publicKey)] }),
  });
  region = await startRegion(config);
  // The test's own session at the same consistency, for direct repository writes and reads.
  storage = await connectCassandra({ ...config.cassandra, migrate: false });
}, 1_200_000);

afterAll(async () => {
  await region?.stop();
  await storage?.close();
  if (kafka) await deleteTopics(kafka, [topic, `${topic}.dlq`]).catch(() => {});
  if (startedHere) await stopServices(CLUSTER);
  else await ensureServices(CLUSTER); // every node back for the next run
}, 900_000);

async function ingest(body: IngestBatch): Promise<Response> {
  return fetch(`${region.url}/v1/ingest`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await serviceToken(key)}`,
    },
    body: JSON.stringify(body),
  });
}

async function history(conv: string, after = 0): Promise<Response> {
  return fetch(
    `${region.url}/v1/history/${encodeURIComponent(conv)}?userId=alice&after=${after}&limit=200`,
    { headers: { authorization: `Bearer ${await serviceToken(key)}` } },
  );
}

/** Every stored message of `conv`, paging forward (throws on a non-200 answer). */
async function stored(conv: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const res = await history(conv, all.at(-1)?.seq ?? 0);
    if (!res.ok) throw new Error(`history answered ${res.status}`);
    const page = RegionHistoryPage.parse(await res.json());
    all.push(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return all;
  }
}

async function storedUpTo(conv: string, last: number): Promise<Message[]> {
  let messages: Message[] = [];
  await waitFor(async () => {
    messages = await stored(conv).catch(() => []);
    return messages.length >= last;
  }, 250);
  return messages;
}

const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("RF 3 in one datacenter, LOCAL_QUORUM", () => {
  const conv = uniqueGroup("quorum");
  let acknowledged = 0;

  /**
   * Ingests batches of 5 messages until `more` says stop, `paceMs` apart; every batch must be
   * acknowledged.
   */
  async function pump(more: (batches: number) => boolean, paceMs = 0): Promise<void> {
    for (let batches = 0; more(batches); batches++) {
      if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
      const events = Array.from({ length: 5 }, (_, i) => messageEvent(conv, acknowledged + i + 1));
      const res = await ingest(batch(conv, events));
      expect(res.status, await res.clone().text()).toBe(200);
      acknowledged += events.length;
    }
  }

  it("keeps writing and reading at LOCAL_QUORUM while one of three nodes stops", async () => {
    expect((await ingest(batch(conv, [membershipEvent(conv, ["alice", "bob"], 0)]))).status).toBe(
      200,
    );
    await pump((n) => n < 4);
    expect(seqs(await storedUpTo(conv, acknowledged))).toEqual(oneTo(acknowledged));

    // Node 3 stops while batches keep flowing through ingest → Kafka → persister → Cassandra.
    let stopped = false;
    const beforeStop = acknowledged;
    const stopStarted = performance.now();
    const stopping = stopCassandraNode({ ...CLUSTER, node: 3 }).then((was) => {
      stopped = was;
    });
    const flowing = pump((n) => !stopped || n < 40, 100);
    await Promise.all([stopping, flowing]);
    expect(stopped).toBe(true);
    const stopMs = Math.round(performance.now() - stopStarted);
    const duringStop = acknowledged - beforeStop;
    await pump((n) => n < 4);
    // Every acknowledged message is stored once, in order, read back at LOCAL_QUORUM (2 of 3).
    expect(seqs(await storedUpTo(conv, acknowledged))).toEqual(oneTo(acknowledged));

    // Straight through the repositories: with the node down, every write and read succeeds.
    const direct = uniqueGroup("quorum-direct");
    for (let seq = 1; seq <= 50; seq++)
      await storage.repositories.messages.insert(message(direct, seq));
    for (let seq = 1; seq <= 50; seq++) {
      expect((await storage.repositories.messages.get(direct, seq))?.seq).toBe(seq);
    }
    console.log(
      JSON.stringify({ quorum: "one of three down", acknowledged, duringStop, stopMs, direct: 50 }),
    );
  }, 900_000);

  it("degrades typed and retriable with two of three nodes down, and loses nothing", async () => {
    expect(await stopCassandraNode({ ...CLUSTER, node: 2 })).toBe(true);
    // Storage refuses: one replica of three cannot make a quorum.
    await expect(storage.repositories.messages.insert(message(conv, 10_000))).rejects.toMatchObject(
      {
        code: "unavailable",
        retriable: true,
      },
    );
    // The history API says so in the protocol's terms (no driver detail leaks).
    let body: unknown;
    await waitFor(async () => {
      const res = await history(conv);
      body = await res.json();
      return res.status === 503;
    }, 250);
    expect(body).toMatchObject({ error: { code: "unavailable", retriable: true } });
    expect(JSON.stringify(body)).not.toMatch(/Exception|127\.0\.|stack/i);
    // Ingest still acknowledges: Kafka (acks=all) holds the events while the persister retries.
    const before = acknowledged;
    await pump((n) => n < 4);
    expect(acknowledged).toBe(before + 20);

    // Nodes back (the harness starts what is missing): everything acknowledged is stored once.
    const restart = performance.now();
    await ensureServices(CLUSTER);
    const restartedMs = Math.round(performance.now() - restart);
    const all = await storedUpTo(conv, acknowledged);
    console.log(
      JSON.stringify({
        quorum: "two of three down, then back",
        acknowledged,
        acceptedWhileDegraded: 20,
        restartedMs,
        storedMs: Math.round(performance.now() - restart),
      }),
    );
    expect(seqs(all)).toEqual(oneTo(acknowledged));
    expect(new Set(all.map((m) => m.messageId)).size).toBe(acknowledged);
  }, 900_000);
});
