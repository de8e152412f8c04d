// The ConversationDO's HTTP side: the internal routes the Worker forwards to (see
// http/internal.ts). Identity comes only from the headers the Worker sets.
import {
  AddMemberRequest,
  ChatError,
  closeCodeOf,
  ConversationId,
  CreateGroupRequest,
  HistoryQuery,
  parseJson,
  parseWith,
  SendRequest,
  type TicketResponse,
  UserId,
  WatermarkRequest,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { errorResponse } from "../http/errors.ts";
import { CONVERSATION_HEADER, USER_HEADER } from "../http/internal.ts";

type Vars = { userId: UserId; conversationId: ConversationId };

export interface InternalHandlers {
  service: import("./service.ts").ConversationService;
  sockets: import("./sockets.ts").Sockets;
  /** The WebSocket upgrade (handled by the DO itself). */
  upgrade(request: Request, conversationId: ConversationId, userId: UserId | undefined): Response;
  scheduleAlarm(): void;
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
    await next();
  });

  // Only the ws upgrade may come without a user (it then carries a ticket).
  app.get("/ws", (c) => h.upgrade(c.req.raw, c.get("conversationId"), c.get("userId")));
  app.use(async (c, next) => {
    if (c.get("userId") === undefined) throw new ChatError("unauthenticated", "no user");
    await next();
  });

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
    h.sockets.broadcastLive({ type: "message", message });
    h.scheduleAlarm();
    return c.json(conversation, 201);
  });

  app.get("/", (c) => c.json(h.service.conversation(c.get("conversationId"), c.get("userId"))));

  app.post("/members", async (c) => {
    const request = parseWith(AddMemberRequest, await body(c.req.raw));
    const { conversation, message } = h.service.addMember(
      c.get("conversationId"),
      c.get("userId"),
      request.userId,
      request.role ?? "member",
    );
    h.sockets.broadcastLive({ type: "message", message });
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
    h.sockets.broadcastLive({ type: "message", message });
    h.sockets.closeUser(removed, closeCodeOf("not_found"), "no longer a member");
    h.scheduleAlarm();
    return c.json(conversation);
  });

  app.post("/messages", async (c) => {
    const request = parseWith(SendRequest, await body(c.req.raw));
    const { ack, message } = h.service.send(c.get("conversationId"), c.get("userId"), request);
    if (message) {
      h.sockets.broadcastLive({ type: "message", message });
      h.scheduleAlarm();
    }
    return c.json(ack, message ? 201 : 200);
  });

  app.get("/messages", (c) => {
    const query = parseWith(HistoryQuery, c.req.query());
    return c.json(h.service.history(c.get("conversationId"), c.get("userId"), query));
  });

  for (const kind of ["read", "delivered"] as const) {
    app.post(`/${kind}`, async (c) => {
      const { upToSeq } = parseWith(WatermarkRequest, await body(c.req.raw));
      h.sockets.statuses(
        h.service.watermark(c.get("conversationId"), c.get("userId"), kind, upToSeq),
      );
      h.scheduleAlarm();
      return c.body(null, 204);
    });
  }

  return app;
}
