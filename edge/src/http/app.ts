// The public Hono app: authenticates, validates the conversation id, and forwards each request to
// the ConversationDO that owns it (idFromName(conversationId)). The DO decides everything else.
import {
  ChatError,
  type ConversationId,
  CreateDirectRequest,
  CreateGroupRequest,
  directConversationId,
  inviteConversationId,
  JoinInviteRequest,
  parseWith,
  UserId,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { z } from "zod";
import { bearerToken, mintDevToken, requireUser, verifyUserToken } from "../auth/index.ts";
import { loadConfig } from "../config.ts";
import { limitByIp } from "../ratelimit/middleware.ts";
import type { AppEnv } from "./app-env.ts";
import { conversationIdOf } from "./conversation-id.ts";
import { deviceRoutes } from "./devices.ts";
import { errorResponse } from "./errors.ts";
import { inboxRoutes } from "./inbox.ts";
import { callerOf, upgradeRequest } from "./internal.ts";
import { conversationOf } from "./conversation-stub.ts";
import { conversationRoutes } from "./conversations.ts";
import { unwrap } from "../rpc/answer.ts";
import { jsonBody } from "./json-body.ts";
import { mediaRoutes } from "./media.ts";
import { framesMarkdown } from "./frames-doc.ts";
import { openApiDocument } from "./openapi.ts";
import { presenceRoutes } from "./presence.ts";

const DevTokenRequest = z.object({ userId: UserId });

/** Built on first request, then kept: the schemas are fixed for the life of the isolate. */
let document: ReturnType<typeof openApiDocument> | undefined;
let frames: string | undefined;
const openApi = () => {
  document ??= openApiDocument();
  return document;
};

function newGroupId(): ConversationId {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const id = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
  return `g:${id}`;
}

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.onError((error) => errorResponse(error));
  app.notFound(() => errorResponse(new ChatError("not_found", "no such route")));

  app.get("/health", (c) => c.json({ ok: true }));
  app.use("/v1/*", limitByIp);
  app.get("/v1/openapi.json", (c) => c.json(openApi()));
  app.get("/v1/frames.md", (c) => {
    frames ??= framesMarkdown();
    return c.text(frames, 200, { "content-type": "text/markdown; charset=utf-8" });
  });

  app.post("/dev/tokens", async (c) => {
    const config = loadConfig(c.env);
    if (!config.development) throw new ChatError("not_found", "no such route");
    const { userId } = parseWith(DevTokenRequest, await jsonBody(c.req.raw));
    return c.json({ token: await mintDevToken(userId, config.jwt) });
  });

  // Test-only, for the chaos suite's do-evict scenario: aborts a ConversationDO mid-burst, as an
  // eviction or a crash of its isolate would (memory and sockets gone, storage kept). Absent
  // unless CHAOS_EVICT_ROUTE=1, which only the chaos harness sets.
  app.post("/__chaos/conversations/:id/evict", async (c) => {
    if (!loadConfig(c.env).chaosEvictRoute) throw new ChatError("not_found", "no such route");
    const conversationId = conversationIdOf(c.req.param("id"));
    // The abort fails the call that caused it: that failure is the expected answer.
    await conversationOf(c.env, conversationId)
      .evict()
      .catch(() => undefined);
    return c.body(null, 204);
  });

  // The WebSocket upgrade authenticates by header (Node, mobile) or by a single-use ticket
  // (browsers), which only the ConversationDO can consume; so it sits before requireUser.
  app.get("/v1/conversations/:id/ws", async (c) => {
    const conversationId = conversationIdOf(c.req.param("id"));
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      throw new ChatError("invalid_request", "expected a WebSocket upgrade");
    }
    const token = bearerToken(c.req.header("Authorization"));
    const userId = token ? await verifyUserToken(token, loadConfig(c.env).jwt) : undefined;
    if (!userId && !c.req.query("ticket")) {
      throw new ChatError("unauthenticated", "missing bearer token or ticket");
    }
    return conversationOf(c.env, conversationId).fetch(
      upgradeRequest(c.req.raw, conversationId, userId),
    );
  });

  // The per-user inbox (its routes authenticate themselves: the inbox socket also takes tickets).
  app.route("/", inboxRoutes());

  app.use("/v1/*", requireUser);
  app.route("/", mediaRoutes());
  app.route("/", deviceRoutes());
  app.route("/", presenceRoutes());

  app.post("/v1/conversations/direct", async (c) => {
    const { peerId } = parseWith(CreateDirectRequest, await jsonBody(c.req.raw));
    const userId = c.get("userId");
    if (peerId === userId) throw new ChatError("invalid_request", "cannot chat with yourself");
    const conversationId = directConversationId(userId, peerId);
    const stub = conversationOf(c.env, conversationId, c.req.raw);
    return c.json(await unwrap(stub.openDirect(callerOf(c.req.raw, conversationId, userId))));
  });

  app.post("/v1/conversations/groups", async (c) => {
    const body = parseWith(CreateGroupRequest, await jsonBody(c.req.raw));
    const conversationId = newGroupId();
    const stub = conversationOf(c.env, conversationId, c.req.raw);
    const caller = callerOf(c.req.raw, conversationId, c.get("userId"));
    return c.json(await unwrap(stub.createGroup(caller, body)), 201);
  });

  // The token names its group: the group's DO checks the token's secret (see protocol/invites.ts).
  app.post("/v1/invites/join", async (c) => {
    const body = parseWith(JoinInviteRequest, await jsonBody(c.req.raw));
    const conversationId = inviteConversationId(body.token);
    if (!conversationId) throw new ChatError("not_found", "no such invite");
    const caller = callerOf(c.req.raw, conversationId, c.get("userId"));
    return c.json(
      await unwrap(conversationOf(c.env, conversationId).joinInvite(caller, body.token)),
    );
  });

  app.route("/", conversationRoutes());

  return app;
}
