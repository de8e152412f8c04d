// The ConversationDO's part in media: it is the authority on membership, so the Worker asks it
// before calling a region for a signed URL. An upload also spends one token of the member's send
// bucket (the same one messages use), so asking for upload URLs is rate-limited like sending.
// After a region verified an upload, the Worker records it here, so the send path can accept a
// message that references it. All answer 204, or the same not_found for non-members and unknown
// conversations.
import {
  type ConversationId,
  parseJson,
  parseWith,
  type UserId,
  VerifiedMedia,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import type { InternalHandlers } from "./internal-handlers.ts";

type Vars = { userId: UserId; conversationId: ConversationId };

export function mediaInternalRoutes(h: InternalHandlers): Hono<{ Variables: Vars }> {
  const app = new Hono<{ Variables: Vars }>();
  app.post("/upload", (c) => {
    h.service.access(c.get("conversationId"), c.get("userId"));
    h.service.rateLimit(c.get("userId"));
    // access() may have initialised a direct conversation, which leaves an outbox event.
    h.scheduleAlarm();
    return c.body(null, 204);
  });
  app.post("/verified", async (c) => {
    const media = parseWith(VerifiedMedia, parseJson(await c.req.text()));
    h.service.access(c.get("conversationId"), c.get("userId"));
    h.service.recordVerifiedMedia(c.get("userId"), media);
    return c.body(null, 204);
  });
  // GET for a download; POST (with an empty body) before a verification, which reads no DO state.
  app.on(["GET", "POST"], "/download", (c) => {
    h.service.access(c.get("conversationId"), c.get("userId"));
    h.scheduleAlarm();
    return c.body(null, 204);
  });
  return app;
}
