// POST /v1/push: due pushes from the edge's inboxes, published to the push topic keyed by user id
// (one user → one partition → that user's pushes in order). Answers only after the publish resolved
// (acks=all); a failed publish is a retriable 503 and the edge keeps the push for its next attempt.
import { ChatError, PushBatch, type PushBatchResult, parseWith } from "@edge-chat/protocol";
import { Hono } from "hono";
import type { EventPublisher } from "../events/ports.ts";
import { readJson } from "../http/errors.ts";

export function pushRoutes(deps: {
  pushPublisher: EventPublisher;
  webPushPublicKey?: string | undefined;
}): Hono {
  const app = new Hono();
  // The VAPID public key browsers need for pushManager.subscribe (404 when Web Push is off).
  app.get("/web-push-key", (c) => {
    if (!deps.webPushPublicKey) throw new ChatError("not_found", "Web Push is not configured");
    return c.json({ publicKey: deps.webPushPublicKey });
  });
  app.post("/", async (c) => {
    const { events } = parseWith(PushBatch, await readJson(c));
    await deps.pushPublisher.publish(
      events.map((event) => ({
        key: event.userId,
        value: JSON.stringify(event),
        headers: { "x-push-id": event.pushId },
      })),
    );
    const result: PushBatchResult = { accepted: events.length };
    return c.json(result);
  });
  return app;
}
