// POST /v1/media/uploads, /verify and /downloads: short-lived signed URLs for media objects, and the
// check of an upload before a message may reference it. The edge has already checked that the
// caller is a member (the ConversationDO is the authority on membership; Cassandra's copy lags), so
// this API checks only what it owns: the upload's type and size, its owner and bytes, and that a
// downloaded key belongs to the conversation asked about and exists. No URL is signed for a store
// that does not answer (503 unavailable).
import { randomUUID } from "node:crypto";
import {
  ChatError,
  type MediaDownloadTicket,
  type MediaUploadTicket,
  mediaKeyPrefix,
  mediaObjectKey,
  mediaUploadProblem,
  parseWith,
  RegionMediaDownloadRequest,
  RegionMediaUploadRequest,
  RegionMediaVerifyRequest,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { readJson } from "../http/errors.ts";
import type { MediaStore } from "../media/ports.ts";
import { type VideoProbe, verifyUpload } from "../media/verify/index.ts";
import type { Repositories } from "../repositories/ports.ts";

export interface MediaApiDeps {
  repositories: Repositories;
  media: {
    store: MediaStore;
    videoProbe?: VideoProbe;
    uploadTtlSeconds: number;
    downloadTtlSeconds: number;
  };
  now?: () => number;
}

export function mediaRoutes(deps: MediaApiDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? Date.now;
  const { store, uploadTtlSeconds, downloadTtlSeconds } = deps.media;

  app.post("/uploads", async (c) => {
    const request = parseWith(RegionMediaUploadRequest, await readJson(c));
    const problem = mediaUploadProblem(request);
    if (problem) throw problem;
    await store.checkReachable();
    const objectKey = mediaObjectKey(request.conversationId, randomUUID());
    const issuedAt = now();
    // Recorded before the URL exists, so every object that can be uploaded has an owner row.
    await deps.repositories.mediaObjects.put({
      objectKey,
      ownerId: request.userId,
      conversationId: request.conversationId,
      mime: request.mime.toLowerCase(),
      size: request.size,
      createdAt: issuedAt,
    });
    const signed = await store.signUpload({
      key: objectKey,
      mime: request.mime.toLowerCase(),
      size: request.size,
      expiresInSeconds: uploadTtlSeconds,
    });
    const ticket: MediaUploadTicket = {
      objectKey,
      uploadUrl: signed.url,
      method: "PUT",
      headers: signed.headers,
      expiresAt: issuedAt + uploadTtlSeconds * 1000,
    };
    return c.json(ticket, 201);
  });

  app.post("/downloads", async (c) => {
    const request = parseWith(RegionMediaDownloadRequest, await readJson(c));
    // The prefix check is free; the row proves the key was issued for this conversation.
    const row = request.objectKey.startsWith(mediaKeyPrefix(request.conversationId))
      ? await deps.repositories.mediaObjects.get(request.objectKey)
      : null;
    if (!row || row.conversationId !== request.conversationId) {
      throw new ChatError("not_found", "no such media object");
    }
    // Never a URL for an object that is not there (not uploaded, or a store that does not answer).
    if (!(await store.head(row.objectKey)))
      throw new ChatError("not_found", "no such media object");
    const issuedAt = now();
    const ticket: MediaDownloadTicket = {
      objectKey: row.objectKey,
      url: await store.signDownload({ key: row.objectKey, expiresInSeconds: downloadTtlSeconds }),
      expiresAt: issuedAt + downloadTtlSeconds * 1000,
    };
    return c.json(ticket);
  });

  app.post("/verify", async (c) => {
    const request = parseWith(RegionMediaVerifyRequest, await readJson(c));
    const verified = await verifyUpload(
      {
        repositories: deps.repositories,
        store,
        ...(deps.media.videoProbe ? { videoProbe: deps.media.videoProbe } : {}),
        now,
      },
      request,
    );
    return c.json(verified);
  });

  return app;
}
