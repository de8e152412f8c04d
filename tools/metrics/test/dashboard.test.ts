// After traffic through a real region-core (embedded adapters) and edge data points, the
// collector's /dashboard renders non-empty uPlot charts in headless chromium, for the region and
// the edge, and the region selector narrows them. The screenshot is kept in
// test/artifacts/dashboard.png.
import { randomUUID } from "node:crypto";
import type { EdgeMetricBatch, IngestBatch } from "@edge-chat/protocol";
import { loadConfig, type RunningRegion, startRegion } from "@edge-chat/region-core";
import { exportJWK, generateKeyPair } from "jose";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceToken, waitFor } from "../../../region-core/test/fixtures.ts";
import { type RunningCollector, startCollector } from "../collector.ts";
import { ARTIFACTS, launchBrowser } from "./browser.ts";

let regions: RunningRegion[] = [];
let collector: RunningCollector;
let browser: Browser;
let authorization: string;

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwks = JSON.stringify({ keys: [await exportJWK(keys.publicKey)] });
  authorization = `Bearer ${await serviceToken(keys.privateKey)}`;
  regions = await Promise.all(
    ["eu-west", "us-east"].map((id) =>
      startRegion(loadConfig({ REGION_ID: id, PORT: "0", SERVICE_JWKS: jwks })),
    ),
  );
  collector = await startCollector({
    port: 0,
    regions: regions.map((r) => ({ id: r.config.regionId, url: r.url })),
    // The test takes snapshots itself, between rounds of traffic.
    scrapeIntervalMs: 3_600_000,
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  await Promise.all(regions.map((r) => r.stop()));
});

async function traffic(region: RunningRegion, round: number): Promise<void> {
  const conv = `g:dash${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  const body: IngestBatch = {
    batchId: randomUUID(),
    conversationId: conv,
    events: [
      {
        type: "membership",
        conversationId: conv,
        kind: "group",
        name: "dash",
        createdAt: now,
        members: [{ userId: "alice", role: "admin", joinedAt: now }],
        removed: [],
        asOfSeq: 0,
      },
      ...Array.from({ length: 3 }, (_, i) => ({
        type: "message" as const,
        message: {
          conversationId: conv,
          seq: i + 1,
          messageId: randomUUID(),
          clientMsgId: `c${round}-${i}`,
          senderId: "alice",
          content: { kind: "text" as const, text: "hi" },
          serverTs: now,
        },
      })),
    ],
  };
  const headers = { authorization, "content-type": "application/json" };
  const ingest = await fetch(`${region.url}/v1/ingest`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  expect(ingest.status).toBe(200);
  // The persister has written the batch once history returns it (a read per poll, recorded too).
  await waitFor(async () => {
    const res = await fetch(`${region.url}/v1/history/${conv}?userId=alice`, { headers });
    return res.ok && ((await res.json()) as { messages: unknown[] }).messages.length === 3;
  });
  const points: EdgeMetricBatch = {
    points: [
      { stage: "region_call", ms: 20 + round, region: region.config.regionId, outcome: "ok" },
      { stage: "region_outbox_age", ms: 150 + round * 10 },
      { stage: "inbox_staleness", ms: 30 },
    ],
  };
  const posted = await fetch(`${collector.url}/v1/points`, {
    method: "POST",
    body: JSON.stringify(points),
  });
  expect(posted.status).toBe(204);
}

describe("the dashboard", () => {
  it("renders per-region latency plots after traffic, and the region selector narrows them", async () => {
    for (let round = 0; round < 4; round++) {
      await Promise.all(regions.map((r) => traffic(r, round)));
      await collector.scrape();
    }
    const bad = await fetch(`${collector.url}/v1/points`, {
      method: "POST",
      body: '{"points":[{"stage":"nope","ms":1}]}',
    });
    expect(bad.status).toBe(400);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    await page.goto(`${collector.url}/dashboard?range=300`);
    await page.waitForSelector("body[data-ready=true]");
    const points = await page.$$eval(".panel", (els) =>
      Object.fromEntries(
        els.map((el) => [
          el.querySelector("h2")!.textContent,
          Number(el.getAttribute("data-points")),
        ]),
      ),
    );
    for (const title of [
      "Ingest request",
      "History request",
      "Kafka publish",
      "Persister batch",
      "Cassandra write",
      "Cassandra read",
      "End to end",
      "Edge → region call",
      "Region outbox age at flush",
      "Inbox staleness",
      "Throughput",
    ]) {
      expect(points[title], title).toBeGreaterThan(0);
    }
    // uPlot drew its series on the canvases (not only empty axes).
    expect(await page.locator(".panel canvas").count()).toBeGreaterThanOrEqual(11);
    const legends = await page.locator(".panel:first-child .u-legend").textContent();
    expect(legends).toContain("eu-west p99");
    expect(legends).toContain("us-east p99");
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });

    await page.selectOption("#region", "us-east");
    // An expression evaluated in the page (this package is typed without the DOM library).
    await page.waitForFunction(
      `!document.querySelector(".panel:first-child .u-legend")?.textContent.includes("eu-west")`,
    );
    expect(await page.locator(".panel:first-child .u-legend").textContent()).toContain(
      "us-east p50",
    );
    await page.screenshot({ path: `${ARTIFACTS}dashboard-us-east.png`, fullPage: true });
    await page.close();
  });
});
