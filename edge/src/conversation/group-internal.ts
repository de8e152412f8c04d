// The ConversationDO's HTTP routes for group administration, mounted at /internal:
//   PATCH /                     UpdateGroupRequest → Conversation (admins)
//   PUT   /members/:userId/role SetRoleRequest → Conversation (admins)
//   POST / DELETE /block        block / unblock a direct chat → 204
import {
  type ConversationId,
  parseJson,
  parseWith,
  SetRoleRequest,
  UpdateGroupRequest,
  UserId,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import type { InternalHandlers } from "./internal-handlers.ts";

type Vars = { userId: UserId; conversationId: ConversationId };

export function groupInternalRoutes(h: InternalHandlers): Hono<{ Variables: Vars }> {
  const app = new Hono<{ Variables: Vars }>();
  app.patch("/", async (c) => {
    const request = parseWith(UpdateGroupRequest, parseJson(await c.req.raw.text()));
    const { conversation, messages } = h.group.update(
      c.get("conversationId"),
      c.get("userId"),
      request,
    );
    for (const message of messages) h.live.add(JSON.stringify(message));
    h.scheduleAlarm();
    return c.json(conversation);
  });
  app.put("/members/:userId/role", async (c) => {
    const { role } = parseWith(SetRoleRequest, parseJson(await c.req.raw.text()));
    const target = parseWith(UserId, c.req.param("userId"));
    const { conversation, message } = h.group.setRole(
      c.get("conversationId"),
      c.get("userId"),
      target,
      role,
    );
    h.live.add(JSON.stringify(message));
    h.scheduleAlarm();
    return c.json(conversation);
  });
  for (const [method, block] of [
    ["post", true],
    ["delete", false],
  ] as const) {
    app[method]("/block", (c) => {
      h.group.setBlocked(c.get("conversationId"), c.get("userId"), block);
      return c.body(null, 204);
    });
  }
  return app;
}
