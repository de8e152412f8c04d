// POST /v1/ingest: validates an IngestBatch from the edge and publishes every event to the event
// log keyed by conversation id. The IngestResult is sent only after the publish resolved
// (acks=all); a failed publish is a retriable 503, and the edge retries (events are idempotent
// downstream). Decoding (parse, validation, each event's value) is one pure function
// (ingest-decode.ts).
import type { IngestResult } from "@edge-chat/protocol";
import { Hono } from "hono";
import type { EventPublisher } from "../events/ports.ts";
import type { Metrics } from "../metrics.ts";
import { decodeIngestBody, valuesOf } from "./ingest-decode.ts";

export function ingestRoutes(deps: { publisher: EventPublisher; metrics: Metrics }): Hono {
  const app = new Hono();
  app.post("/", async (c) => {
    // When the request arrived, on every record: lets a lag measurement split edge ack → Kafka
    // into the edge's part (region outbox wait + HTTP) and the region's (parse, produce queue).
    const receivedAt = String(Date.now());
    const batch = decodeIngestBody(new Uint8Array(await c.req.arrayBuffer()));
    // One headers object for the whole batch: adapters only read it, and the Kafka one encodes it
    // once per batch instead of once per record (platformatic.ts).
    const headers = { "x-batch-id": batch.batchId, "x-ingest-at": receivedAt };
    const key = batch.conversationId;
    await deps.publisher.publish(valuesOf(batch).map((value) => ({ key, value, headers })));
    deps.metrics.publishedBatches.inc();
    deps.metrics.ingestedEvents.inc(batch.ends.length);
    const result: IngestResult = { batchId: batch.batchId, accepted: batch.ends.length };
    return c.json(result);
  });
  return app;
}
