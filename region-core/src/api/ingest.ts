// POST /v1/ingest: validates an IngestBatch from the edge and publishes every event to the event
// log keyed by conversation id. The IngestResult is sent only after the publish resolved
// (acks=all); a failed publish is a retriable 503, and the edge retries (events are idempotent
// downstream).
import {
  ChatError,
  conversationOfEvent,
  IngestBatch,
  type IngestResult,
  parseWith,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import type { EventPublisher } from "../events/ports.ts";
import { readJson } from "../http/errors.ts";
import type { Metrics } from "../metrics.ts";

export function ingestRoutes(deps: { publisher: EventPublisher; metrics: Metrics }): Hono {
  const app = new Hono();
  app.post("/", async (c) => {
    // When the request arrived, on every record: lets a lag measurement split edge ack → Kafka
    // into the edge's part (region outbox wait + HTTP) and the region's (parse, produce queue).
    const receivedAt = String(Date.now());
    const batch = parseWith(IngestBatch, await readJson(c));
    // The key decides the partition, so an event filed under another conversation would lose its
    // ordering guarantee: refuse the batch rather than publish it.
    const stray = batch.events.find((event) => conversationOfEvent(event) !== batch.conversationId);
    if (stray) {
      throw new ChatError("invalid_request", "every event must belong to the batch's conversation");
    }
    // One headers object for the whole batch: adapters only read it, and the Kafka one encodes it
    // once per batch instead of once per record (platformatic.ts).
    const headers = { "x-batch-id": batch.batchId, "x-ingest-at": receivedAt };
    await deps.publisher.publish(
      batch.events.map((event) => ({
        key: batch.conversationId,
        value: JSON.stringify(event),
        headers,
      })),
    );
    deps.metrics.publishedBatches.inc();
    deps.metrics.ingestedEvents.inc(batch.events.length);
    const result: IngestResult = { batchId: batch.batchId, accepted: batch.events.length };
    return c.json(result);
  });
  return app;
}
