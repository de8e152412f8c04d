// Public media routes: the bytes go straight between the client and object storage; the edge only
// hands out short-lived signed URLs. Each request asks the conversation's DO first (membership,
// and for uploads the send rate limit), so a non-member gets not_found and no region is called;
// then the nearest healthy region signs the URL with the edge's service token.
//
//   POST /v1/conversations/:id/media                 MediaUploadRequest → 201 MediaUploadTicket
//   POST /v1/conversations/:id/media/verify          MediaVerifyRequest → VerifiedMedia, after the
//                                                      PUT; recorded in the DO, so a message may
//                                                      then reference the published object
//   GET  /v1/conversations/:id/media/:objectKey{.+}  → 302 to a signed URL, or with
//                                                      Accept: application/json, MediaDownloadTicket
import { clientLocationFromCf } from "@edge-chat/geo-router";
import {
  ChatError,
  type ConversationId,
  MediaDownloadTicket,
  MediaObjectKey,
  MediaUploadRequest,
  MediaUploadTicket,
  MediaVerifyRequest,
  mediaUploadProblem,
  parseJson,
  parseWith,
  type RegionMediaDownloadRequest,
  type RegionMediaUploadRequest,
  type RegionMediaVerifyRequest,
  VerifiedMedia,
} from "@edge-chat/protocol";
import { type Context, Hono } from "hono";
import { loadConfig } from "../config.ts";
import { callRegionMedia } from "../region/media.ts";
import type { AppEnv } from "./app-env.ts";
import { conversationIdOf } from "./conversation-id.ts";
import { conversationOf } from "./conversation-stub.ts";
import { callerOf } from "./internal.ts";
import { unwrap } from "../rpc/answer.ts";

/** The conversation's DO and the caller, who must be a member (or the DO's ChatError is thrown). */
function member(c: Context<AppEnv>, conversationId: ConversationId) {
  return {
    stub: conversationOf(c.env, conversationId),
    caller: callerOf(c.req.raw, conversationId, c.get("userId")),
  };
}

const regionDeps = (c: Context<AppEnv>) => ({ config: loadConfig(c.env), now: () => Date.now() });
const locationOf = (c: Context<AppEnv>) => clientLocationFromCf((c.req.raw as { cf?: unknown }).cf);

export function mediaRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/v1/conversations/:id/media", async (c) => {
    const conversationId = conversationIdOf(c.req.param("id"));
    const request = parseWith(MediaUploadRequest, parseJson(await c.req.text()));
    // The region decides too; refusing here first spares a DO call and a rate-limit token.
    const problem = mediaUploadProblem(request);
    if (problem) throw problem;
    const { stub, caller } = member(c, conversationId);
    await unwrap(stub.authorizeUpload(caller));
    const body: RegionMediaUploadRequest = { ...request, userId: caller.userId, conversationId };
    const ticket = await callRegionMedia(
      regionDeps(c),
      locationOf(c),
      "/v1/media/uploads",
      body,
      MediaUploadTicket,
    );
    return c.json(ticket, 201);
  });

  app.post("/v1/conversations/:id/media/verify", async (c) => {
    const conversationId = conversationIdOf(c.req.param("id"));
    const { objectKey } = parseWith(MediaVerifyRequest, parseJson(await c.req.text()));
    // Membership first: a non-member makes no region read a byte.
    const { stub, caller } = member(c, conversationId);
    await unwrap(stub.authorizeRead(caller));
    const body: RegionMediaVerifyRequest = { userId: caller.userId, conversationId, objectKey };
    const verified = await callRegionMedia(
      regionDeps(c),
      locationOf(c),
      "/v1/media/verify",
      body,
      VerifiedMedia,
    );
    await unwrap(stub.recordVerifiedMedia(caller, verified));
    return c.json(verified);
  });

  app.get("/v1/conversations/:id/media/:objectKey{.+}", async (c) => {
    const conversationId = conversationIdOf(c.req.param("id"));
    const objectKey = MediaObjectKey.safeParse(c.req.param("objectKey"));
    if (!objectKey.success) throw new ChatError("not_found", "no such media object");
    const { stub, caller } = member(c, conversationId);
    await unwrap(stub.authorizeRead(caller));
    const body: RegionMediaDownloadRequest = {
      userId: caller.userId,
      conversationId,
      objectKey: objectKey.data,
    };
    const ticket = await callRegionMedia(
      regionDeps(c),
      locationOf(c),
      "/v1/media/downloads",
      body,
      MediaDownloadTicket,
    );
    // Signed URLs are per request and short-lived: no cache may keep one.
    c.header("cache-control", "private, no-store");
    if (c.req.header("accept")?.includes("application/json")) return c.json(ticket);
    return c.redirect(ticket.url, 302);
  });

  return app;
}
