// The public routes of the per-user inbox, each forwarded to the caller's InboxDO
// (idFromName(userId)): the conversation list, inbox tickets and the inbox WebSocket, and a direct
// peer's presence (answered by the target's InboxDO, which knows whom the target shares a direct
// conversation with).
import { ChatError, type InboxList, UserId } from "@edge-chat/protocol";
import { Hono } from "hono";
import { bearerToken, requireUser, verifyUserToken } from "../auth/index.ts";
import { loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import type { AppEnv } from "./app-env.ts";
import { USER_HEADER } from "./internal.ts";

const inboxOf = (env: Env, userId: UserId) => env.INBOXES.get(env.INBOXES.idFromName(userId));

export function inboxRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Bearer header or a single-use ticket from POST /v1/inbox/tickets (same rules as conversations).
  // A ticket is consumed by the InboxDO that issued it; it starts with its user id ("<user>.<hex>")
  // so the Worker knows which inbox to ask (a forged prefix just finds no such ticket there).
  app.get("/v1/inbox/ws", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      throw new ChatError("invalid_request", "expected a WebSocket upgrade");
    }
    const token = bearerToken(c.req.header("Authorization"));
    const userId = token ? await verifyUserToken(token, loadConfig(c.env).jwt) : undefined;
    const ticket = c.req.query("ticket") ?? "";
    const ticketUser = UserId.safeParse(ticket.slice(0, Math.max(0, ticket.lastIndexOf("."))));
    if (!userId && !ticketUser.success) {
      throw new ChatError("unauthenticated", "missing bearer token or ticket");
    }
    const owner = userId ?? (ticketUser.data as UserId);
    const url = new URL(c.req.url);
    const headers = new Headers({ Upgrade: "websocket" });
    if (userId) headers.set(USER_HEADER, userId);
    const forwarded = new Request(`https://inbox.internal/ws${url.search}`, { headers });
    return inboxOf(c.env, owner).fetch(forwarded);
  });

  app.use("/v1/inbox/tickets", requireUser);
  app.post("/v1/inbox/tickets", async (c) => {
    const userId = c.get("userId");
    return c.json(await inboxOf(c.env, userId).issueTicket(userId));
  });

  app.use("/v1/conversations", requireUser);
  app.get("/v1/conversations", async (c) => {
    const userId = c.get("userId");
    const list: InboxList = { conversations: await inboxOf(c.env, userId).list(userId) };
    return c.json(list);
  });

  app.use("/v1/users/:userId/presence", requireUser);
  app.get("/v1/users/:userId/presence", async (c) => {
    const target = UserId.safeParse(c.req.param("userId"));
    const viewer = c.get("userId");
    const presence = target.success
      ? await inboxOf(c.env, target.data).presenceFor(target.data, viewer)
      : null;
    // Not sharing a direct conversation looks exactly like an unknown user.
    if (!presence) throw new ChatError("not_found", "no such user");
    return c.json(presence);
  });

  return app;
}
