// The HTTP surface over the embedded adapters: ingest validation and its 503 on a failed publish,
// the history and list APIs, health, metrics, and the drain on shutdown.
import {
  ChatError,
  ErrorResponse,
  RegionConversationList,
  RegionHistoryPage,
} from "@edge-chat/protocol";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  batch,
  membershipEvent,
  messageEvent,
  receiptEvent,
  serviceToken,
  waitFor,
} from "../test/fixtures.ts";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { EmbeddedLog } from "./events/embedded-log.ts";
import type { EventPublisher } from "./events/ports.ts";
import { s3MediaStore } from "./media/s3.ts";
import { startRegion } from "./main.ts";
import { createMetrics } from "./metrics.ts";
import { memoryRepositories } from "./repositories/memory.ts";

let jwks: string;
let authorization: string;

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  jwks = JSON.stringify({ keys: [(await exportJWK(keys.publicKey)) as JWK] });
  authorization = `Bearer ${await serviceToken(keys.privateKey)}`;
});

function appWith(publisher: EventPublisher) {
  const { auth, media } = loadConfig({ SERVICE_JWKS: jwks });
  return createApp({
    regionId: "t",
    auth,
    publisher,
    repositories: memoryRepositories(),
    metrics: createMetrics("t"),
    media: { ...media, store: s3MediaStore(media.s3) },
    accepting: () => true,
  });
}

const post = (body: unknown) => ({
  method: "POST",
  headers: { authorization, "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("POST /v1/ingest", () => {
  it("answers 400 for invalid JSON, schema errors and events of another conversation", async () => {
    const app = appWith(new EmbeddedLog({ partitions: 1 }).publisher("t"));
    for (const body of ["{", { batchId: "x" }, batch("g:a", [messageEvent("g:b", 1)])]) {
      const res = await app.request("/v1/ingest", post(body));
      expect(res.status).toBe(400);
      expect(ErrorResponse.parse(await res.json()).error.code).toBe("invalid_request");
    }
  });

  it("answers a retriable 503 when the publish fails, and 200 only after it resolved", async () => {
    let fail = true;
    const published: unknown[] = [];
    const app = appWith({
      publish: async (records) => {
        if (fail) throw new ChatError("unavailable", "kafka down");
        published.push(...records);
      },
    });
    const body = batch("g:a", [messageEvent("g:a", 1), messageEvent("g:a", 2)]);
    const refused = await app.request("/v1/ingest", post(body));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: "unavailable", retriable: true } });
    fail = false;
    const ok = await app.request("/v1/ingest", post(body));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ batchId: body.batchId, accepted: 2 });
    expect(published).toHaveLength(2);
    expect(published[0]).toMatchObject({ key: "g:a", headers: { "x-batch-id": body.batchId } });
  });
});

describe("an embedded region end to end", () => {
  it("ingests, persists, serves history and the list, and drains on stop", async () => {
    const region = await startRegion(
      loadConfig({ PORT: "0", SERVICE_JWKS: jwks, KAFKA_PARTITIONS: "2" }),
    );
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${region.url}${path}`, {
        ...init,
        headers: { authorization, "content-type": "application/json", ...init.headers },
      });
    expect((await fetch(`${region.url}/health`)).status).toBe(200);
    const conv = "d:alice:bob";
    const ingest = await call(
      "/v1/ingest",
      post(
        batch(conv, [
          membershipEvent(conv, ["alice", "bob"], 0),
          messageEvent(conv, 1),
          messageEvent(conv, 2, "bob"),
          messageEvent(conv, 3),
          receiptEvent(conv, "bob", 3, 1),
        ]),
      ),
    );
    expect(ingest.status).toBe(200);
    await waitFor(async () => (await region.repositories.receipts.get(conv, "bob")) !== null);

    const page = RegionHistoryPage.parse(
      await (await call(`/v1/history/${conv}?userId=alice&limit=2`)).json(),
    );
    expect(page.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(page.hasMore).toBe(true);
    expect((await call(`/v1/history/${conv}?userId=eve`)).status).toBe(404);
    expect((await call(`/v1/history/${conv}?userId=eve&after=3&before=4`)).status).toBe(404);
    expect(await (await call(`/v1/history/${conv}?userId=bob&after=3&before=4`)).json()).toEqual({
      messages: [],
      hasMore: false,
    });
    const range = RegionHistoryPage.parse(
      await (await call(`/v1/history/${conv}?userId=bob&after=1&before=3`)).json(),
    );
    expect(range.messages.map((m) => m.seq)).toEqual([2]);
    expect((await call(`/v1/history/${conv}?userId=alice&limit=0`)).status).toBe(400);
    const list = RegionConversationList.parse(
      await (await call("/v1/users/bob/conversations")).json(),
    );
    expect(list.conversations).toEqual([
      {
        conversationId: conv,
        kind: "direct",
        lastMessageSeq: 3,
        lastMessageAt: 1_700_000_000_003,
        lastReadSeq: 2,
        unread: 1,
      },
    ]);

    const metrics = await (await fetch(`${region.url}/metrics`)).text();
    expect(metrics).toContain('region_ingested_events_total{region="local"} 5');
    expect(metrics).toContain('region_persisted_records_total{type="message",region="local"} 3');

    // A request in flight when stop() begins still gets its answer (its body arrives only after
    // stop() was called); the server then closes and refuses new connections.
    let push: (chunk: string) => void = () => {};
    let end: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (chunk) => controller.enqueue(new TextEncoder().encode(chunk));
        end = () => controller.close();
      },
    });
    const slow = fetch(`${region.url}/v1/ingest`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    const text = JSON.stringify(batch(conv, [messageEvent(conv, 4)]));
    push(text.slice(0, 10));
    await waitFor(
      async () =>
        (await region.metrics.registry.getSingleMetric("region_ingested_events_total")?.get()) !==
        undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = region.stop();
    push(text.slice(10));
    end();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
    await stopped;
    await expect(fetch(`${region.url}/health`)).rejects.toThrow();
  });
});
