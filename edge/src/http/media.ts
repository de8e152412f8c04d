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
  ErrorResponse,
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
  type UserId,
  VerifiedMedia,
} from "@edge-chat/protocol";
import { type Context, Hono } from "hono";
import { loadConfig } from "../config.ts";
import { callRegionMedia } from "../region/media.ts";
import type { AppEnv } from "./app-env.ts";
import { conversationIdOf } from "./conversation-id.ts";
import { internalRequest } from "./internal.ts";

/** Asks the conversation's DO; rethrows its typed error (not_found, rate_limited, …) if it refuses. */
async function authorize(
  c: Context<AppEnv>,
  conversationId: ConversationId,
  path: "/media/upload" | "/media/download" | "/media/verified",
  body?: unknown,
): Promise<UserId> {
  const userId = c.get("userId");
  const stub = c.env.CONVERSATIONS.get(c.env.CONVERSATIONS.idFromName(conversationId));
  const response = await stub.fetch(internalRequest(c.req.raw, conversationId, path, userId, body));
  if (response.status === 204) return userId;
  const refused = ErrorResponse.safeParse(await response.json().catch(() => null));
  if (!refused.success) throw new ChatError("internal", "unexpected answer from the conversation");
  const { code, message, retryAfterMs } = refused.data.error;
  throw new ChatError(code, message, retryAfterMs === undefined ? {} : { retryAfterMs });
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
    const userId = await authorize(c, conversationId, "/media/upload", {});
    const body: RegionMediaUploadRequest = { ...request, userId, conversationId };
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
    const userId = await authorize(c, conversationId, "/media/download", {});
    const body: RegionMediaVerifyRequest = { userId, conversationId, objectKey };
    const verified = await callRegionMedia(
      regionDeps(c),
      locationOf(c),
      "/v1/media/verify",
      body,
      VerifiedMedia,
    );
    await authorize(c, conversationId, "/media/verified", verified);
    return c.json(verified);
  });

  app.get("/v1/conversations/:id/media/:objectKey{.+}", async (c) => {
    const conversationId = conversationIdOf(c.req.param("id"));
    const objectKey = MediaObjectKey.safeParse(c.req.param("objectKey"));
    if (!objectKey.success) throw new ChatError("not_found", "no such media object");
    const userId = await authorize(c, conversationId, "/media/download");
    const body: RegionMediaDownloadRequest = { userId, conversationId, objectKey: objectKey.data };
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
