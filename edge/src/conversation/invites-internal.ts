// The ConversationDO's invite routes, mounted at /internal/invites:
//   POST   /           CreateInviteRequest → 201 CreatedInvite (admins)
//   GET    /           → InviteList (admins)
//   DELETE /:inviteId  → 204 (admins)
//   POST   /join       JoinInviteRequest → Conversation (anyone holding the token)
import {
  type ConversationId,
  CreateInviteRequest,
  InviteId,
  type InviteList,
  JoinInviteRequest,
  parseJson,
  parseWith,
  type UserId,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import type { InternalHandlers } from "./internal-handlers.ts";

type Vars = { userId: UserId; conversationId: ConversationId };

export function invitesInternalRoutes(h: InternalHandlers): Hono<{ Variables: Vars }> {
  const app = new Hono<{ Variables: Vars }>();
  app.post("/", async (c) => {
    const text = await c.req.raw.text();
    const request = parseWith(CreateInviteRequest, text === "" ? {} : parseJson(text));
    const { invite, message } = await h.invites.create(
      c.get("conversationId"),
      c.get("userId"),
      request,
    );
    h.live.add(JSON.stringify(message));
    h.scheduleAlarm();
    return c.json(invite, 201);
  });
  app.get("/", (c) => {
    const list: InviteList = {
      invites: h.invites.list(c.get("conversationId"), c.get("userId")),
    };
    return c.json(list);
  });
  app.post("/join", async (c) => {
    const { token } = parseWith(JoinInviteRequest, parseJson(await c.req.raw.text()));
    const { conversation, message } = await h.invites.join(
      c.get("conversationId"),
      c.get("userId"),
      token,
    );
    h.live.add(JSON.stringify(message));
    h.scheduleAlarm();
    return c.json(conversation);
  });
  app.delete("/:inviteId", (c) => {
    const inviteId = parseWith(InviteId, c.req.param("inviteId"));
    const message = h.invites.revoke(c.get("conversationId"), c.get("userId"), inviteId);
    h.live.add(JSON.stringify(message));
    h.scheduleAlarm();
    return c.body(null, 204);
  });
  return app;
}
