// POST /v1/media/uploads, /verify and /downloads: short-lived signed URLs for media objects, and the
// check of an upload before a message may reference it. The edge has already checked that the
// caller is a member (the ConversationDO is the authority on membership; Cassandra's copy lags), so
// this API checks only what it owns: the upload's type and size, its owner and bytes, and that a
// downloaded key lies under the conversation asked about and exists. No URL is signed for a store
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
import { uploadMetadata, type VideoProbe, verifyUpload } from "../media/verify/index.ts";
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
      // Signed into the PUT and kept with the object: any region can check the upload's owner and
      // ticket before its media_objects row has replicated (or, embedded, without that row).
      metadata: uploadMetadata(request),
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
    // Keys are made by a region under the conversation's prefix, and only region-signed URLs can
    // create objects: the prefix scopes the key, and the object must exist (never a URL for
    // something that was not uploaded, nor for a store that does not answer).
    const stored = request.objectKey.startsWith(mediaKeyPrefix(request.conversationId))
      ? await store.head(request.objectKey)
      : null;
    if (!stored) throw new ChatError("not_found", "no such media object");
    const issuedAt = now();
    const ticket: MediaDownloadTicket = {
      objectKey: request.objectKey,
      url: await store.signDownload({
        key: request.objectKey,
        expiresInSeconds: downloadTtlSeconds,
      }),
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
