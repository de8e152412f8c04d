// After real traffic through a region on the REAL Kafka and Cassandra, GET /metrics exposes every
// latency histogram with the region label: ingest and history requests, the Kafka publish, the
// persister batch, Cassandra reads and writes, end to end; plus consumer lag and errors by code.
import { exportJWK, generateKeyPair } from "jose";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafka, ensureTopics } from "../src/events/kafka.ts";
import { type RunningRegion, startRegion } from "../src/main.ts";
import {
  batch,
  membershipEvent,
  messageEvent,
  serviceToken,
  uniqueGroup,
  waitFor,
} from "./fixtures.ts";
import { createKeyspace, deleteTopics, dropKeyspace, RUN, realConfig } from "./real.ts";
import { sample } from "./prom.ts";

const services = inject("services");
const keyspace = `rc_metrics_${RUN}`;
const topic = `rc-metrics-${RUN}`;
let region: RunningRegion;
let kafka: Kafka;
let authorization: string;

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  authorization = `Bearer ${await serviceToken(keys.privateKey)}`;
  const jwks = JSON.stringify({ keys: [await exportJWK(keys.publicKey)] });
  await createKeyspace(services, keyspace);
  kafka = createKafka({ brokers: services.kafka.brokers, clientId: `metrics-${RUN}` });
  await ensureTopics(kafka, [topic, `${topic}.dlq`], 3, 1);
  region = await startRegion(
    realConfig(services, { regionId: "eu-west", dc: "dc1", keyspace, topic, jwks }),
  );
});

afterAll(async () => {
  await region?.stop();
  await dropKeyspace(services, keyspace);
  await deleteTopics(kafka, [topic, `${topic}.dlq`]);
});

describe("region metrics after traffic (real Kafka and Cassandra)", () => {
  it("exposes the latency histograms, lag and errors by code, all labelled by region", async () => {
    const conv = uniqueGroup("metrics");
    const now = Date.now();
    const events = [
      membershipEvent(conv, ["alice", "bob"], 0),
      ...Array.from({ length: 5 }, (_, i) => {
        const event = messageEvent(conv, i + 1);
        if (event.type === "message") event.message.serverTs = now;
        return event;
      }),
    ];
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${region.url}${path}`, {
        ...init,
        headers: { authorization, "content-type": "application/json" },
      });
    expect(
      (await call("/v1/ingest", { method: "POST", body: JSON.stringify(batch(conv, events)) }))
        .status,
    ).toBe(200);
    expect((await call("/v1/ingest", { method: "POST", body: "{" })).status).toBe(400);
    await waitFor(async () => {
      const res = await call(`/v1/history/${encodeURIComponent(conv)}?userId=alice`);
      return (
        res.status === 200 && ((await res.json()) as { messages: unknown[] }).messages.length === 5
      );
    });
    expect((await call(`/v1/history/${encodeURIComponent(conv)}?userId=eve`)).status).toBe(404);

    const text = await (await fetch(`${region.url}/metrics`)).text();
    const region_ = { region: "eu-west" };
    expect(
      sample(text, "region_http_request_duration_seconds_count", {
        ...region_,
        route: "ingest",
        status: "200",
      }),
    ).toBe(1);
    expect(
      sample(text, "region_http_request_duration_seconds_count", {
        ...region_,
        route: "ingest",
        status: "400",
      }),
    ).toBe(1);
    expect(
      sample(text, "region_http_request_duration_seconds_count", {
        ...region_,
        route: "history",
        status: "200",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "region_kafka_publish_duration_seconds_count", {
        ...region_,
        topic,
        outcome: "ok",
      }),
    ).toBe(1);
    expect(
      sample(text, "region_persister_batch_duration_seconds_count", {
        ...region_,
        outcome: "ok",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "region_storage_duration_seconds_count", {
        ...region_,
        op: "messages.insertMany",
        kind: "write",
        outcome: "ok",
      }),
    ).toBeGreaterThanOrEqual(1); // the persister writes each coalesced step's rows as one batch
    expect(
      sample(text, "region_storage_duration_seconds_count", {
        ...region_,
        op: "messages.page",
        kind: "read",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, "region_end_to_end_seconds_count", region_)).toBe(5);
    expect(text).toMatch(/region_consumer_lag\{partition="\d+",region="eu-west"\} \d+/);
    expect(text).toContain(
      'region_errors_total{code="invalid_request",source="http",region="eu-west"} 1',
    );
    // not_found: at least the non-member's request (the wait above may have seen some too).
    expect(text).toMatch(
      /region_errors_total\{code="not_found",source="http",region="eu-west"\} [1-9]/,
    );
  });
});
