// Edge latency data points: what the Worker records (alarm path only, never per socket write) and
// sends to Workers Analytics Engine in production or to the local collector in development.
import { z } from "zod";

/**
 * region_call: one ingest POST to a region (by region and outcome); region_outbox_age: how old the
 * oldest event of a batch was when a region confirmed it; inbox_staleness: how old a member's
 * pending inbox update was when its InboxDO took it; fanout: from a message's ack to the last
 * socket write of the frame that carried it (one point per frame built, not per socket); send_ack:
 * a send frame's arrival until its storage commit is confirmed, when the ack leaves (sampled).
 */
export const EdgeStage = z.enum([
  "region_call",
  "region_outbox_age",
  "inbox_staleness",
  "fanout",
  "send_ack",
]);
export type EdgeStage = z.infer<typeof EdgeStage>;

export const EdgeMetricPoint = z.object({
  stage: EdgeStage,
  ms: z.number().min(0).max(86_400_000),
  region: z.string().max(64).optional(),
  outcome: z.enum(["ok", "error"]).optional(),
});
export type EdgeMetricPoint = z.infer<typeof EdgeMetricPoint>;

/** Most points one invocation keeps (Analytics Engine accepts 250 per invocation). */
export const MAX_EDGE_POINTS = 100;

/** POST body of the local collector's /v1/points. */
export const EdgeMetricBatch = z.object({
  points: z.array(EdgeMetricPoint).max(MAX_EDGE_POINTS),
});
export type EdgeMetricBatch = z.infer<typeof EdgeMetricBatch>;
