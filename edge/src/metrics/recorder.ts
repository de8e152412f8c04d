// Edge latency recording. Production writes each point to Workers Analytics Engine (the
// EDGE_METRICS binding: fire-and-forget, no await); development buffers points and posts them to
// the local collector (METRICS_COLLECTOR_URL) when the invocation flushes. Either way an invocation
// keeps at most MAX_EDGE_POINTS and drops the rest. Recording is O(1) and never per socket write:
// the alarm path records region outbox and inbox points, the live batcher one fan-out point per
// frame it builds; what an alarm has buffered leaves when it flushes.
import { type EdgeMetricPoint, MAX_EDGE_POINTS } from "@edge-chat/protocol";

export interface EdgeMetrics {
  record(point: EdgeMetricPoint): void;
  /** Sends what was buffered (development); a failure is logged, never thrown. */
  flush(): Promise<void>;
}

/** The bindings it needs (a slice of Env, so tests can pass their own). */
export interface MetricsBindings {
  EDGE_METRICS?: AnalyticsEngineDataset;
  METRICS_COLLECTOR_URL?: string;
}

export const noMetrics: EdgeMetrics = { record() {}, flush: async () => {} };

export function edgeMetrics(env: MetricsBindings, fetcher: typeof fetch = fetch): EdgeMetrics {
  const dataset = env.EDGE_METRICS;
  if (dataset) {
    let written = 0;
    return {
      record(point) {
        if (written >= MAX_EDGE_POINTS) return;
        written++;
        // index: the stage (the sampling key); blobs: stage, region, outcome; double: latency ms.
        dataset.writeDataPoint({
          indexes: [point.stage],
          blobs: [point.stage, point.region ?? "", point.outcome ?? "ok"],
          doubles: [point.ms],
        });
      },
      flush: async () => {
        written = 0;
      },
    };
  }
  const url = env.METRICS_COLLECTOR_URL;
  if (!url) return noMetrics;
  let buffer: EdgeMetricPoint[] = [];
  return {
    record(point) {
      if (buffer.length < MAX_EDGE_POINTS) buffer.push(point);
    },
    async flush() {
      if (buffer.length === 0) return;
      const points = buffer;
      buffer = [];
      try {
        const res = await fetcher(`${url}/v1/points`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ points }),
        });
        await res.body?.cancel();
      } catch (error) {
        console.warn("metrics collector unreachable", String(error));
      }
    },
  };
}
