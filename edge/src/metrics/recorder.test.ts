// The recorder: Analytics Engine points when bound, a buffered POST to the collector otherwise,
// nothing when neither is configured; bounded per invocation, and never throws into chat code.
import { EdgeMetricBatch, MAX_EDGE_POINTS } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { edgeMetrics } from "./recorder.ts";

describe("edgeMetrics", () => {
  it("writes Analytics Engine data points, at most MAX_EDGE_POINTS per invocation", async () => {
    const written: AnalyticsEngineDataPoint[] = [];
    const dataset = { writeDataPoint: (p?: AnalyticsEngineDataPoint) => written.push(p!) };
    const metrics = edgeMetrics({ EDGE_METRICS: dataset as AnalyticsEngineDataset });
    metrics.record({ stage: "region_call", ms: 12.5, region: "eu-west", outcome: "error" });
    expect(written).toEqual([
      { indexes: ["region_call"], blobs: ["region_call", "eu-west", "error"], doubles: [12.5] },
    ]);
    for (let i = 0; i < MAX_EDGE_POINTS + 10; i++)
      metrics.record({ stage: "region_outbox_age", ms: i });
    expect(written).toHaveLength(MAX_EDGE_POINTS);
    await metrics.flush();
    metrics.record({ stage: "region_outbox_age", ms: 1 });
    expect(written).toHaveLength(MAX_EDGE_POINTS + 1);
  });

  it("posts buffered points to the collector in one valid batch per flush", async () => {
    const posts: { url: string; body: unknown }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    const metrics = edgeMetrics({ METRICS_COLLECTOR_URL: "http://collector.test" }, fetcher);
    await metrics.flush();
    expect(posts).toHaveLength(0);
    for (let i = 0; i < MAX_EDGE_POINTS + 5; i++) {
      metrics.record({ stage: "inbox_staleness", ms: i });
    }
    await metrics.flush();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.url).toBe("http://collector.test/v1/points");
    expect(EdgeMetricBatch.parse(posts[0]!.body).points).toHaveLength(MAX_EDGE_POINTS);
    await metrics.flush();
    expect(posts).toHaveLength(1);
  });

  it("swallows a collector that is down, and does nothing when unconfigured", async () => {
    const down = (async () => {
      throw new Error("connection refused");
    }) as unknown as typeof fetch;
    const metrics = edgeMetrics({ METRICS_COLLECTOR_URL: "http://collector.test" }, down);
    metrics.record({ stage: "region_call", ms: 1 });
    await expect(metrics.flush()).resolves.toBeUndefined();
    const none = edgeMetrics({});
    none.record({ stage: "region_call", ms: 1 });
    await expect(none.flush()).resolves.toBeUndefined();
  });
});
