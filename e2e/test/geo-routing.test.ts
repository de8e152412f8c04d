// Geo-routing from the client's location, end to end: the edge Worker in workerd, requests carrying
// a `request.cf` (Miniflare's cf option) for clients in Europe, North America and Asia, and three
// region-core processes (eu-west, us-east, ap-southeast) that share one embedded store, as
// `npm start` runs them. Which region took a conversation's batches is read from each region's own
// ingest counter (/metrics); what was stored, from the regions' history APIs. With the nearest
// region stopped, batches fail over to the next nearest; the time to fail over is printed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countDelta as delta,
  freePort,
  GeoEdge,
  ingestedEvents,
  PLACES,
  RegionApi,
  RegionProcess,
  type RunningEdge,
  serviceKeys,
  startEdge,
  UNLIMITED_RATES,
  until,
} from "../src/index.ts";
import {
  expectGapless,
  expectNoDuplicateSends,
  expectTakenOnlyBy,
  historyUpTo,
} from "./support.ts";

const REGION_IDS = ["eu-west", "us-east", "ap-southeast"] as const;
type RegionId = (typeof REGION_IDS)[number];
const { paris: PARIS, newYork: NEW_YORK, tokyo: TOKYO, asiaOnly: ASIA_ONLY } = PLACES;

const keys = serviceKeys();
let store: RegionProcess;
const regions = new Map<RegionId, RegionProcess>();
let edge: RunningEdge;
let geo: GeoEdge;
let api: RegionApi;

beforeAll(async () => {
  const storePort = await freePort();
  store = await RegionProcess.create({
    regionId: "embedded-store",
    port: storePort,
    entry: "region-core/src/repositories/shared/server.ts",
    env: { EMBEDDED_STORE_REGIONS: REGION_IDS.join(","), EMBEDDED_STORE_PORT: String(storePort) },
  });
  await store.start();
  for (const regionId of REGION_IDS) {
    const region = await RegionProcess.create({
      regionId,
      env: {
        ADAPTERS: "embedded",
        EMBEDDED_STORE_URL: store.url,
        SERVICE_JWKS: JSON.stringify(keys.jwks),
        KAFKA_PARTITIONS: "4",
      },
    });
    await region.start();
    regions.set(regionId, region);
  }
  edge = await startEdge({
    regions: REGION_IDS.map((id) => regions.get(id)!.url),
    signingKey: keys.signingKey,
    vars: UNLIMITED_RATES,
  });
  geo = new GeoEdge(edge);
  api = new RegionApi(regions.get("us-east")!.url, keys);
});

afterAll(async () => {
  await edge?.dispose();
  for (const region of regions.values()) await region.stop();
  await store?.stop();
});

const ingested = () => ingestedEvents(regions);
const THREE = ["one", "two", "three"];

describe("geo-routing from request.cf", () => {
  it.each([
    { name: "Paris", cf: PARIS, nearest: "eu-west" },
    { name: "New York", cf: NEW_YORK, nearest: "us-east" },
    { name: "Tokyo", cf: TOKYO, nearest: "ap-southeast" },
    { name: "Asia (continent only)", cf: ASIA_ONLY, nearest: "ap-southeast" },
  ] as const)(
    "a client in $name has its conversation's batches taken by $nearest",
    async ({ name, cf, nearest }) => {
      const before = await ingested();
      const { client: alice, conversationId } = await geo.conversationFrom(name, cf, THREE);
      const stored = await historyUpTo(api, conversationId, alice.userId, 3);
      expectGapless(stored, 3);
      expectTakenOnlyBy(delta(await ingested(), before), nearest, 3);
    },
  );

  it("fails over to the next nearest region while the nearest is down, losing and doubling nothing", async () => {
    const alice = await geo.client("failover", PARIS);
    const conversationId = await geo.directConversation(alice);
    const start = await ingested();
    await geo.send(alice, conversationId, ["a1", "a2", "a3"]);
    expectGapless(await historyUpTo(api, conversationId, alice.userId, 3), 3);
    const firstLeg = delta(await ingested(), start);
    expect(firstLeg["us-east"] + firstLeg["ap-southeast"]).toBe(0);

    // eu-west (nearest to Paris) stops; us-east is the next nearest.
    await regions.get("eu-west")!.stop();
    const beforeFailover = await ingested();
    const stoppedAt = performance.now();
    await geo.send(alice, conversationId, ["b1", "b2", "b3"]);
    await until(
      async () => (await ingested())["us-east"] > beforeFailover["us-east"],
      "us-east to take a batch",
      {
        timeoutMs: 120_000,
      },
    );
    const failoverMs = Math.round(performance.now() - stoppedAt);
    expectGapless(await historyUpTo(api, conversationId, alice.userId, 6), 6);
    expect((await ingested())["ap-southeast"]).toBe(beforeFailover["ap-southeast"]);

    // eu-west returns; the conversation keeps writing through one region (the sticky rule), so
    // nothing is split between two persisters. Which one is printed, not asserted.
    await regions.get("eu-west")!.start();
    const beforeReturn = await ingested();
    await geo.send(alice, conversationId, ["c1", "c2", "c3"]);
    const all = await historyUpTo(api, conversationId, alice.userId, 9);
    expectGapless(all, 9);
    expectNoDuplicateSends(all);
    const lastLeg = delta(await ingested(), beforeReturn);
    const after = await ingested();
    // Each event reached exactly one region once: eu-west's counter restarted with its process, so
    // the total is the first leg plus what the others took since.
    const total =
      firstLeg["eu-west"] +
      after["us-east"] -
      start["us-east"] +
      after["eu-west"] +
      after["ap-southeast"] -
      start["ap-southeast"];
    expect(total).toBe(firstLeg["eu-west"] + 6);
    console.log(
      JSON.stringify({
        bench: "geo-failover",
        failoverMs,
        afterRecovery: lastLeg["eu-west"] > 0 ? "eu-west" : "us-east",
        eventsPerRegion: { firstLeg, lastLeg },
      }),
    );
  });
});
