// Presence routes: a device's heartbeat (any socket open: inbox or conversation), the caller's
// last-seen privacy, and the presence of a conversation's members for any member (groups too).
// Membership is the ConversationDO's answer to GET /v1/conversations/:id as the caller (a
// non-member gets its 404); the presence itself is one pipelined Redis read for all members, which
// also hides the members the caller blocks or is blocked by (the block routes keep that mirror).
import {
  type ConversationPresence,
  directMembers,
  PresenceHeartbeat,
  PresenceSettings,
  parseWith,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { requireUser } from "../auth/index.ts";
import { loadConfig } from "../config.ts";
import { sharedStateFor } from "../shared/index.ts";
import { showPairPresence } from "./block-presence.ts";
import type { AppEnv } from "./app-env.ts";
import { conversationIdOf } from "./conversation-id.ts";
import { conversationOf } from "./conversation-stub.ts";
import { callerOf } from "./internal.ts";
import { unwrap } from "../rpc/answer.ts";
import { jsonBody } from "./json-body.ts";

export function presenceRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/v1/presence/*", requireUser);
  app.use("/v1/conversations/:id/presence", requireUser);
  const presence = (env: AppEnv["Bindings"]) => sharedStateFor(loadConfig(env)).presence;

  app.post("/v1/presence/heartbeat", async (c) => {
    const beat = parseWith(PresenceHeartbeat, await jsonBody(c.req.raw));
    const store = presence(c.env);
    if (beat.offline) await store.signOff(c.get("userId"), beat.deviceId, Date.now());
    else await store.heartbeat(c.get("userId"), beat.deviceId, Date.now());
    return c.body(null, 204);
  });

  app.put("/v1/presence/settings", async (c) => {
    const settings = parseWith(PresenceSettings, await jsonBody(c.req.raw));
    await presence(c.env).setHidden(c.get("userId"), settings.hideLastSeen);
    return c.body(null, 204);
  });

  app.get("/v1/conversations/:id/presence", async (c) => {
    const conversationId = conversationIdOf(c.req.param("id"));
    const viewer = c.get("userId");
    const conversation = await unwrap(
      conversationOf(c.env, conversationId).describe(callerOf(c.req.raw, conversationId, viewer)),
    );
    const others = conversation.members.map((m) => m.userId).filter((id) => id !== viewer);
    const body: ConversationPresence = {
      presence: await presence(c.env).read(others, Date.now(), viewer),
    };
    return c.json(body);
  });

  // Block and unblock are decided by the direct chat's ConversationDO; once it agrees, the block
  // is mirrored into the presence store so presence reads hide the pair from each other, and what
  // each already shows of the other is corrected at once (block-presence.ts). Should
  // the mirror write fail, the caller gets an error and retries (both calls are idempotent).
  app.use("/v1/conversations/:id/block", requireUser);
  for (const [method, blocked] of [
    ["post", true],
    ["delete", false],
  ] as const) {
    app[method]("/v1/conversations/:id/block", async (c) => {
      const conversationId = conversationIdOf(c.req.param("id"));
      const viewer = c.get("userId");
      const caller = callerOf(c.req.raw, conversationId, viewer);
      await unwrap(conversationOf(c.env, conversationId).setBlocked(caller, blocked));
      const peer = directMembers(conversationId)?.find((id) => id !== viewer);
      if (peer !== undefined) {
        await presence(c.env).setBlocked(viewer, peer, blocked);
        // Best effort: the block holds whether or not what is on screen could be corrected.
        await showPairPresence(c.env, conversationId, [viewer, peer], blocked).catch(
          (error: unknown) => console.warn("presence at block failed", String(error)),
        );
      }
      return c.body(null, 204);
    });
  }
  return app;
}
