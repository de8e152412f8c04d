// Two regions in one process over the REAL services: region A (Cassandra dc1) and region B (dc2)
// share Kafka. Batches ingested through A's HTTP API with a real signed service token are
// persisted by A and read back through B's history API at LOCAL_QUORUM in dc2; poison records go
// to the dead-letter topic; forged requests are refused; a persister killed between write and
// commit loses and duplicates nothing when restarted.
import { createCassandraClient, parseCqlConfig } from "@edge-chat/cql";
import {
  type IngestBatch,
  RegionConversationList,
  RegionHistoryPage,
  SERVICE_TOKEN,
} from "@edge-chat/protocol";
import { exportJWK, generateKeyPair } from "jose";
import type { Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  connectProducer,
  createKafka,
  ensureTopics,
  kafkaConsumer,
  kafkaPublisher,
} from "../src/events/kafka.ts";
import type { ConsumedBatch, EventConsumer } from "../src/events/ports.ts";
import { type RunningRegion, startRegion } from "../src/main.ts";
import { createMetrics } from "../src/metrics.ts";
import { Persister } from "../src/persister/persister.ts";
import { cassandraRepositories } from "../src/repositories/cassandra/index.ts";
import { createSession } from "../src/repositories/cassandra/session.ts";
import type { Repositories } from "../src/repositories/ports.ts";
import {
  batch,
  membershipEvent,
  messageEvent,
  receiptEvent,
  serviceToken,
  uniqueGroup,
  waitFor,
} from "./fixtures.ts";
import {
  cassandraEnv,
  createKeyspace,
  deleteTopics,
  dropKeyspace,
  RUN,
  realConfig,
} from "./real.ts";

const services = inject("services");
const keyspace = `rc_regions_${RUN}`;
const topic = `rc-events-${RUN}`;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let edgeKey: PrivateKey;
let jwks: string;
let regionA: RunningRegion;
let regionB: RunningRegion;
let kafka: Kafka;
let producer: Producer;

const token = (key: PrivateKey = edgeKey) => serviceToken(key);

async function ingest(region: RunningRegion, body: IngestBatch, auth?: string): Promise<Response> {
  return fetch(`${region.url}/v1/ingest`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: auth ?? `Bearer ${await token()}`,
    },
    body: JSON.stringify(body),
  });
}

async function history(region: RunningRegion, conv: string, query: string): Promise<Response> {
  return fetch(`${region.url}/v1/history/${encodeURIComponent(conv)}?${query}`, {
    headers: { authorization: `Bearer ${await token()}` },
  });
}

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  edgeKey = keys.privateKey;
  jwks = JSON.stringify({ keys: [await exportJWK(keys.publicKey)] });
  await createKeyspace(services, keyspace);
  kafka = createKafka({ brokers: services.kafka.brokers, clientId: `regions-${RUN}` });
  await ensureTopics(kafka, [topic, `${topic}.dlq`], 3, 1);
  producer = await connectProducer(kafka);
  // A also runs the migration at start-up (a no-op check here: the keyspace is already migrated).
  regionA = await startRegion(
    realConfig(services, {
      regionId: "eu-west",
      dc: "dc1",
      keyspace,
      topic,
      jwks,
      env: { CASSANDRA_MIGRATE: "true" },
    }),
  );
  // B only serves reads here: what it returns was written by A's persister in dc1 and replicated.
  regionB = await startRegion(
    realConfig(services, {
      regionId: "us-east",
      dc: "dc2",
      keyspace,
      topic,
      jwks,
      env: { PERSISTER_ENABLED: "false" },
    }),
  );
});

afterAll(async () => {
  await regionA?.stop();
  await regionB?.stop();
  await producer?.disconnect();
  await dropKeyspace(services, keyspace);
  await deleteTopics(kafka, [topic, `${topic}.dlq`, `rc-crash-${RUN}`, `rc-crash-${RUN}.dlq`]);
});

describe("two regions on real Kafka and 2-DC Cassandra", () => {
  it("makes a batch ingested in region A readable in region B, in order, with list and unread", async () => {
    const conv = uniqueGroup("cross");
    const first = await ingest(
      regionA,
      batch(conv, [
        membershipEvent(conv, ["alice", "bob"], 0),
        ...Array.from({ length: 10 }, (_, i) => messageEvent(conv, i + 1)),
      ]),
    );
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ accepted: 11 });
    for (const start of [11, 21]) {
      const res = await ingest(
        regionA,
        batch(
          conv,
          Array.from({ length: 10 }, (_, i) =>
            messageEvent(conv, start + i, start === 11 && i % 2 ? "bob" : "alice"),
          ),
        ),
      );
      expect(res.status).toBe(200);
    }
    expect((await ingest(regionA, batch(conv, [receiptEvent(conv, "bob", 30, 24)]))).status).toBe(
      200,
    );

    let page: RegionHistoryPage = { messages: [], hasMore: false };
    await waitFor(async () => {
      const res = await history(regionB, conv, "userId=bob&after=0&limit=200");
      if (res.status !== 200) return false;
      page = RegionHistoryPage.parse(await res.json());
      return page.messages.length === 30;
    }, 250);
    expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(page.hasMore).toBe(false);

    const back = RegionHistoryPage.parse(
      await (await history(regionB, conv, "userId=alice&before=11&limit=5")).json(),
    );
    expect(back.messages.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10]);
    expect(back.hasMore).toBe(true);

    let list: RegionConversationList = { conversations: [] };
    await waitFor(async () => {
      const res = await fetch(`${regionB.url}/v1/users/bob/conversations`, {
        headers: { authorization: `Bearer ${await token()}` },
      });
      list = RegionConversationList.parse(await res.json());
      return list.conversations.some((c) => c.conversationId === conv && c.lastReadSeq === 24);
    }, 250);
    expect(list.conversations.find((c) => c.conversationId === conv)).toMatchObject({
      kind: "group",
      lastMessageSeq: 30,
      lastReadSeq: 24,
      unread: 6,
    });

    // A non-member and a nonexistent conversation get the same 404.
    const stranger = await history(regionB, conv, "userId=mallory");
    const missing = await history(regionB, uniqueGroup("nope"), "userId=bob");
    expect(stranger.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await stranger.json()).toEqual(await missing.json());
  });

  it("dead-letters a poison record while later records on the same partition are persisted", async () => {
    const conv = uniqueGroup("poison");
    expect(
      (
        await ingest(
          regionA,
          batch(conv, [membershipEvent(conv, ["alice"], 0), messageEvent(conv, 1)]),
        )
      ).status,
    ).toBe(200);
    await kafkaPublisher(producer, topic).publish([
      { key: conv, value: "{definitely not an event", headers: { "x-test": RUN } },
    ]);
    expect(
      (await ingest(regionA, batch(conv, [messageEvent(conv, 2), messageEvent(conv, 3)]))).status,
    ).toBe(200);

    await waitFor(
      async () =>
        (await regionA.repositories.messages.page(conv, { after: 0, limit: 10 })).messages
          .length === 3,
      250,
    );
    const dead: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
    const dlq = kafkaConsumer(kafka, {
      topic: `${topic}.dlq`,
      groupId: `dlq-reader-${RUN}`,
      partitionsConsumedConcurrently: 1,
    });
    await dlq.run(async (b) => {
      for (const r of b.records)
        dead.push({
          key: r.key ?? "",
          value: new TextDecoder().decode(r.value!),
          headers: r.headers,
        });
    });
    await waitFor(() => dead.some((d) => d.key === conv), 250);
    await dlq.stop();
    const record = dead.find((d) => d.key === conv)!;
    expect(record.value).toBe("{definitely not an event");
    expect(record.headers).toMatchObject({
      "x-test": RUN,
      "x-dlq-code": "invalid_request",
      "x-dlq-source-topic": topic,
    });
    expect(record.headers["x-dlq-reason"]).toMatch(/JSON/);
    const metrics = await (await fetch(`${regionA.url}/metrics`)).text();
    expect(metrics).toMatch(/region_dead_letters_total\{region="eu-west"\} [1-9]/);
  });

  it("refuses unsigned and forged ingest requests and publishes nothing for them", async () => {
    const conv = uniqueGroup("forged");
    const intruder = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const before = await (await fetch(`${regionA.url}/metrics`)).text();
    const body = batch(conv, [messageEvent(conv, 1)]);
    expect((await ingest(regionA, body, "")).status).toBe(401);
    expect((await ingest(regionA, body, `Bearer ${await token(intruder.privateKey)}`)).status).toBe(
      401,
    );
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ iss: SERVICE_TOKEN.issuer, aud: SERVICE_TOKEN.audience, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 })).toString("base64url")}.`;
    expect((await ingest(regionA, body, `Bearer ${unsigned}`)).status).toBe(401);
    const after = await (await fetch(`${regionA.url}/metrics`)).text();
    const ingested = (text: string) =>
      /region_ingested_events_total\{region="eu-west"\} (\d+)/.exec(text)?.[1];
    expect(ingested(after)).toBe(ingested(before));
  });
});

describe("persister crash between write and commit (real Kafka and Cassandra)", () => {
  it("loses nothing and duplicates nothing after a restart", async () => {
    const crashTopic = `rc-crash-${RUN}`;
    await ensureTopics(kafka, [crashTopic, `${crashTopic}.dlq`], 3, 1);
    const client = createCassandraClient(parseCqlConfig(cassandraEnv(services, "dc1", keyspace)));
    await client.connect();
    const session = createSession(client, keyspace, "LOCAL_QUORUM");
    const cassandra = cassandraRepositories(session);
    const messages = cassandra.messages;
    const inserted: number[] = [];
    const repositories: Repositories = {
      ...cassandra,
      messages: {
        insert: async (m) => {
          await messages.insert(m);
          inserted.push(m.seq);
        },
        insertMany: async (ms) => {
          await messages.insertMany(ms);
          inserted.push(...ms.map((m) => m.seq));
        },
        get: (c, s) => messages.get(c, s),
        page: (c, r) => messages.page(c, r),
      },
    };
    const group = `crash-${RUN}`;
    const persister = (consumer: EventConsumer) =>
      new Persister({
        consumer,
        deadLetters: kafkaPublisher(producer, `${crashTopic}.dlq`),
        repositories,
        metrics: createMetrics("crash"),
        concurrency: 4,
        maxUnknownAttempts: 3,
      });
    const consumer = () =>
      kafkaConsumer(kafka, {
        topic: crashTopic,
        groupId: group,
        partitionsConsumedConcurrently: 3,
      });

    const conv = uniqueGroup("crash");
    const publisher = kafkaPublisher(producer, crashTopic);
    // Offset 0 of the conversation's partition is the membership snapshot, so seq n is offset n.
    await publisher.publish([
      { key: conv, value: JSON.stringify(membershipEvent(conv, ["alice", "bob"], 0)) },
    ]);
    await publisher.publish(
      Array.from({ length: 40 }, (_, i) => ({
        key: conv,
        value: JSON.stringify(messageEvent(conv, i + 1)),
      })),
    );

    // The first persister writes everything but its offsets stop resolving at CRASH_AT, as if the
    // process died after the Cassandra writes and before the commit.
    const CRASH_AT = 25;
    const real = consumer();
    const crashing: EventConsumer = {
      run: (handler) =>
        real.run((b: ConsumedBatch) =>
          handler({
            ...b,
            resolveOffset: (offset) => {
              const capped = Math.min(Number(offset), CRASH_AT - 1);
              if (capped >= Number(b.records[0]!.offset)) b.resolveOffset(String(capped));
            },
          }),
        ),
      stop: () => real.stop(),
    };
    const first = persister(crashing);
    await first.start();
    await waitFor(() => new Set(inserted).size === 40, 250);
    await first.stop();

    inserted.length = 0;
    await publisher.publish(
      Array.from({ length: 5 }, (_, i) => ({
        key: conv,
        value: JSON.stringify(messageEvent(conv, 41 + i)),
      })),
    );
    const second = persister(consumer());
    await second.start();
    await waitFor(() => inserted.includes(45), 250);
    await second.stop();

    // The restarted persister replayed exactly the uncommitted tail, once, in order...
    expect(inserted).toEqual(Array.from({ length: 45 - CRASH_AT + 1 }, (_, i) => CRASH_AT + i));
    // ...and storage holds each seq exactly once.
    const stored = await messages.page(conv, { after: 0, limit: 200 });
    expect(stored.messages.map((m) => m.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    const rows = await client.execute(
      `SELECT seq FROM ${keyspace}.messages_by_conversation WHERE conversation_id = ? AND bucket = 0`,
      [conv],
      { prepare: true },
    );
    expect(rows.rows.length).toBe(45);
    expect(await repositories.receipts.memberState(conv, "bob")).toMatchObject({
      lastMessageSeq: 45,
    });
    await client.shutdown();
  });
});
