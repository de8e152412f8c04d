// The ConversationDO's HTTP side: the internal routes the Worker forwards to (see
// http/internal.ts). Identity comes only from the headers the Worker sets.
import {
  AddMemberRequest,
  ChatError,
  closeCodeOf,
  ConversationId,
  CreateGroupRequest,
  type HistoryPage,
  HistoryQuery,
  parseJson,
  parseWith,
  SendRequest,
  type TicketResponse,
  UserId,
  WatermarkRequest,
} from "@edge-chat/protocol";
import type { ClientLocation } from "@edge-chat/geo-router";
import { Hono } from "hono";
import { errorResponse } from "../http/errors.ts";
import { CONVERSATION_HEADER, LOCATION_HEADER, USER_HEADER } from "../http/internal.ts";
import type { InternalHandlers } from "./internal-handlers.ts";
import { mediaInternalRoutes } from "./media-internal.ts";
import { changesInternalRoutes } from "./changes-internal.ts";
import { groupInternalRoutes } from "./group-internal.ts";
import { invitesInternalRoutes } from "./invites-internal.ts";

type Vars = { userId: UserId; conversationId: ConversationId };

/** Fills a page the window could not complete from the region's history; keeps the hint on failure. */
async function completeFromRegion(
  h: InternalHandlers,
  conversationId: ConversationId,
  userId: UserId,
  query: HistoryQuery,
  page: HistoryPage,
): Promise<HistoryPage> {
  const beforeSeq = page.olderInRegion!.beforeSeq;
  if (query.after !== undefined) {
    // A gap: the region holds after+1 … beforeSeq-1; return those first, the window follows.
    const older = await h.regionHistory(conversationId, {
      userId,
      after: query.after,
      before: beforeSeq,
      limit: query.limit,
    });
    return older ? { messages: older.messages, hasMore: true } : page;
  }
  const older = await h.regionHistory(conversationId, {
    userId,
    before: beforeSeq,
    limit: query.limit - page.messages.length,
  });
  if (!older) return page;
  return { messages: [...older.messages, ...page.messages], hasMore: older.hasMore };
}

async function body(req: Request): Promise<unknown> {
  return parseJson(await req.text());
}

export function createInternalApp(h: InternalHandlers): Hono<{ Variables: Vars }> {
  const app = new Hono<{ Variables: Vars }>().basePath("/internal");
  app.onError((error) => errorResponse(error));
  app.notFound(() => errorResponse(new ChatError("not_found", "no such route")));

  app.use(async (c, next) => {
    const conversationId = ConversationId.safeParse(c.req.header(CONVERSATION_HEADER));
    if (!conversationId.success) throw new ChatError("not_found", "conversation not found");
    c.set("conversationId", conversationId.data);
    const user = c.req.header(USER_HEADER);
    if (user !== undefined) c.set("userId", parseWith(UserId, user));
    const location = c.req.header(LOCATION_HEADER);
    if (location !== undefined) {
      try {
        h.rememberLocation(JSON.parse(location) as ClientLocation);
      } catch {
        // Only the Worker sets this header; a bad value just leaves the old location.
      }
    }
    await next();
  });

  // Only the ws upgrade may come without a user (it then carries a ticket).
  app.get("/ws", (c) => h.upgrade(c.req.raw, c.get("conversationId"), c.get("userId")));
  app.use(async (c, next) => {
    if (c.get("userId") === undefined) throw new ChatError("unauthenticated", "no user");
    await next();
  });

  app.route("/media", mediaInternalRoutes(h));
  app.route("/messages", changesInternalRoutes(h));
  app.route("/invites", invitesInternalRoutes(h));
  app.route("/", groupInternalRoutes(h));

  app.post("/tickets", (c) => {
    const ticket: TicketResponse = h.service.issueTicket(c.get("conversationId"), c.get("userId"));
    return c.json(ticket);
  });

  app.post("/direct", (c) =>
    c.json(h.service.conversation(c.get("conversationId"), c.get("userId"))),
  );

  app.post("/group", async (c) => {
    const request = parseWith(CreateGroupRequest, await body(c.req.raw));
    const { conversation, message } = h.service.createGroup(
      c.get("conversationId"),
      c.get("userId"),
      request,
    );
    h.live.add(JSON.stringify(message));
    h.scheduleAlarm();
    return c.json(conversation, 201);
  });

  app.get("/", (c) => c.json(h.group.describe(c.get("conversationId"), c.get("userId"))));

  app.post("/members", async (c) => {
    const request = parseWith(AddMemberRequest, await body(c.req.raw));
    const { conversation, message } = h.service.addMember(
      c.get("conversationId"),
      c.get("userId"),
      request.userId,
      request.role ?? "member",
    );
    h.live.add(JSON.stringify(message));
    h.scheduleAlarm();
    return c.json(conversation, 201);
  });

  app.delete("/members/:userId", (c) => {
    const target = parseWith(UserId, c.req.param("userId"));
    const { conversation, message, removed } = h.service.removeMember(
      c.get("conversationId"),
      c.get("userId"),
      target,
    );
    // The removed member's devices see the system message, then lose the conversation.
    h.live.add(JSON.stringify(message));
    h.live.flush(); // nothing held back in a batch may reach the removed sockets after they close
    h.sockets.closeUser(removed, closeCodeOf("not_found"), "no longer a member");
    h.scheduleAlarm();
    return c.json(conversation);
  });

  app.post("/messages", async (c) => {
    const request = parseWith(SendRequest, await body(c.req.raw));
    const { ack, message } = h.service.send(c.get("conversationId"), c.get("userId"), request);
    if (message) {
      h.live.add(JSON.stringify(message));
      h.scheduleAlarm();
    }
    return c.json(ack, message ? 201 : 200);
  });

  app.get("/messages", async (c) => {
    const query = parseWith(HistoryQuery, c.req.query());
    const conversationId = c.get("conversationId");
    const userId = c.get("userId");
    const page = h.service.history(conversationId, userId, query);
    if (!page.olderInRegion) return c.json(page);
    return c.json(await completeFromRegion(h, conversationId, userId, query, page));
  });

  for (const kind of ["read", "delivered"] as const) {
    app.post(`/${kind}`, async (c) => {
      const { upToSeq } = parseWith(WatermarkRequest, await body(c.req.raw));
      h.flushReceipts();
      h.sockets.statuses(
        h.service.watermark(c.get("conversationId"), c.get("userId"), kind, upToSeq),
      );
      h.scheduleAlarm();
      return c.body(null, 204);
    });
  }

  return app;
}
