// A stand-in for the local metrics collector (tools/metrics), running in Node as Miniflare's
// outbound service: the Worker posts its latency points to http://metrics.test/v1/points exactly as
// it does to the collector under `npm start`; each batch is checked against the protocol's schema
// and kept. Tests read what arrived at GET /__control/points (and how many batches were refused).
import { EdgeMetricBatch, type EdgeMetricPoint } from "@edge-chat/protocol";
import { Response } from "miniflare";

export const METRICS_HOST = "metrics.test";

const points: EdgeMetricPoint[] = [];
let refused = 0;

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });
}

export async function fakeMetrics(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/__control/points") return json({ points, refused });
  if (url.pathname !== "/v1/points" || request.method !== "POST") return json({}, 404);
  const batch = EdgeMetricBatch.safeParse(await request.json().catch(() => null));
  if (!batch.success) {
    refused++;
    return json({ error: "invalid" }, 400);
  }
  points.push(...batch.data.points);
  return new Response(null, { status: 204 });
}
