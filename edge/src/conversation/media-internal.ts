// The ConversationDO's part in media: it is the authority on membership, so the Worker asks it
// before calling a region for a signed URL. An upload also spends one token of the member's send
// bucket (the same one messages use), so asking for upload URLs is rate-limited like sending.
// Both answer 204, or the same not_found for non-members and unknown conversations.
import type { ConversationId, UserId } from "@edge-chat/protocol";
import { Hono } from "hono";
import type { InternalHandlers } from "./internal-app.ts";

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
  app.get("/download", (c) => {
    h.service.access(c.get("conversationId"), c.get("userId"));
    h.scheduleAlarm();
    return c.body(null, 204);
  });
  return app;
}
