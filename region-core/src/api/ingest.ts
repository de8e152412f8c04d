// POST /v1/ingest: validates an IngestBatch from the edge and publishes every event to the event
// log keyed by conversation id. The IngestResult is sent only after the publish resolved
// (acks=all); a failed publish is a retriable 503, and the edge retries (events are idempotent
// downstream). Decoding (parse, validation, each event's value) is done inline when this is the
// only request in progress (a thread's hand-off would only add latency), and on the decode
// threads, when there are any, while others are (ingest-decoder.ts).
import type { IngestResult } from "@edge-chat/protocol";
import { type Context, Hono } from "hono";
import type { EventPublisher } from "../events/ports.ts";
import type { Metrics } from "../metrics.ts";
import { valuesOf } from "./ingest-decode.ts";
import { type IngestDecoder, inlineDecoder } from "./ingest-decoder.ts";

export function ingestRoutes(deps: {
  publisher: EventPublisher;
  metrics: Metrics;
  ingestDecoder?: IngestDecoder | undefined;
}): Hono {
  const inline = inlineDecoder();
  const threaded = deps.ingestDecoder ?? inline;
  let inProgress = 0;
  const app = new Hono();
  app.post("/", async (c) => {
    inProgress++;
    try {
      return await ingest(c, inProgress > 1 ? threaded : inline);
    } finally {
      inProgress--;
    }
  });
  async function ingest(c: Context, decoder: IngestDecoder): Promise<Response> {
    // When the request arrived, on every record: lets a lag measurement split edge ack → Kafka
    // into the edge's part (region outbox wait + HTTP) and the region's (parse, produce queue).
    const receivedAt = String(Date.now());
    const batch = await decoder.decode(new Uint8Array(await c.req.arrayBuffer()));
    // One headers object for the whole batch: adapters only read it, and the Kafka one encodes it
    // once per batch instead of once per record (platformatic.ts).
    const headers = { "x-batch-id": batch.batchId, "x-ingest-at": receivedAt };
    const key = batch.conversationId;
    await deps.publisher.publish(valuesOf(batch).map((value) => ({ key, value, headers })));
    deps.metrics.publishedBatches.inc();
    deps.metrics.ingestedEvents.inc(batch.ends.length);
    const result: IngestResult = { batchId: batch.batchId, accepted: batch.ends.length };
    return c.json(result);
  }
  return app;
}
