// The shared embedded store as `npm start` uses it: three embedded region-core instances, each with
// its own in-process event log and persister, all storing through one store. What one region's
// persister wrote, every region's history and conversation-list APIs serve; with a replication
// delay, another region sees a write only once it has been replicated; bad calls get typed errors.
import { type IngestBatch, RegionConversationList, RegionHistoryPage } from "@edge-chat/protocol";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type RunningRegion, startRegion } from "../src/main.ts";
import { sharedStoreRepositories } from "../src/repositories/shared/client.ts";
import { type RunningSharedStore, startSharedStore } from "../src/repositories/shared/server.ts";
import {
  batch,
  membershipEvent,
  message,
  messageEvent,
  serviceToken,
  uniqueGroup,
  waitFor,
} from "./fixtures.ts";

const REGIONS = ["eu-west", "us-east", "ap-southeast"] as const;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let key: PrivateKey;
let store: RunningSharedStore;
const regions: RunningRegion[] = [];

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  key = keys.privateKey;
  store = await startSharedStore({ regions: REGIONS });
  for (const regionId of REGIONS) {
    regions.push(
      await startRegion(
        loadConfig({
          REGION_ID: regionId,
          PORT: "0",
          ADAPTERS: "embedded",
          EMBEDDED_STORE_URL: store.url,
          SERVICE_JWKS: JSON.stringify({ keys: [await exportJWK(keys.publicKey)] }),
        }),
      ),
    );
  }
});

afterAll(async () => {
  for (const region of regions) await region.stop();
  await store?.stop();
});

async function call(region: RunningRegion, path: string, body?: IngestBatch): Promise<Response> {
  return fetch(`${region.url}${path}`, {
    method: body ? "POST" : "GET",
    headers: {
      authorization: `Bearer ${await serviceToken(key)}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

describe("embedded regions sharing one store", () => {
  it("serves from every region what one region ingested and persisted", async () => {
    const [euWest, usEast, apSoutheast] = regions as [RunningRegion, RunningRegion, RunningRegion];
    const conv = uniqueGroup("shared");
    const ingest = await call(
      euWest,
      "/v1/ingest",
      batch(conv, [
        membershipEvent(conv, ["alice", "bob"], 0),
        ...Array.from({ length: 5 }, (_, i) => messageEvent(conv, i + 1)),
      ]),
    );
    expect(ingest.status).toBe(200);
    // Only eu-west's persister saw the batch (each region has its own event log); the others
    // answer from the shared store.
    for (const reader of [usEast, apSoutheast, euWest]) {
      const path = `/v1/history/${encodeURIComponent(conv)}?userId=bob&limit=50`;
      await waitFor(async () => {
        const res = await call(reader, path);
        return res.ok && RegionHistoryPage.parse(await res.json()).messages.length === 5;
      });
      const page = RegionHistoryPage.parse(await (await call(reader, path)).json());
      expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      const list = RegionConversationList.parse(
        await (await call(reader, "/v1/users/bob/conversations")).json(),
      );
      expect(list.conversations.find((c) => c.conversationId === conv)).toMatchObject({
        lastMessageSeq: 5,
      });
    }
  });

  it("refuses a region the store does not have, an unknown method and a bad body, typed", async () => {
    // A deployment mismatch, not a bad request: the internal permanent failure.
    await expect(sharedStoreRepositories(store.url, "mars")).rejects.toMatchObject({
      code: "permanent_failure",
    });
    const post = (path: string, body: unknown) =>
      fetch(`${store.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    for (const [path, body, status, code] of [
      ["/v1/mars/messages/get", { args: [] }, 404, "not_found"],
      ["/v1/eu-west/messages/toString", { args: [] }, 404, "not_found"],
      ["/v1/eu-west/nothing/get", { args: [] }, 404, "not_found"],
      ["/v1/eu-west/messages/get", { args: "x" }, 400, "invalid_request"],
      ["/v1/eu-west/messages/get", "{not json", 400, "invalid_request"],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, path).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code, retriable: false } });
    }
  });
});

describe("replication delay", () => {
  let delayed: RunningSharedStore;
  beforeAll(async () => {
    // An hour: long enough that nothing replicates during the test except through flush().
    delayed = await startSharedStore({ regions: ["a", "b"], replicationDelayMs: 3_600_000 });
  });
  afterAll(() => delayed?.stop());

  it("shows a write to its own region at once and to the others once replicated", async () => {
    const a = await sharedStoreRepositories(delayed.url, "a");
    const b = await sharedStoreRepositories(delayed.url, "b");
    const conv = uniqueGroup("delay");
    const written = message(conv, 1);
    await a.messages.insert(written);
    expect(await a.messages.get(conv, 1)).toEqual(written);
    expect(await b.messages.get(conv, 1)).toBeNull();
    expect(delayed.store.lagging).toBe(1);
    await fetch(`${delayed.url}/flush`, { method: "POST" });
    expect(await b.messages.get(conv, 1)).toEqual(written);
    expect(delayed.store.lagging).toBe(0);
  });
});
