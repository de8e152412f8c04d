// Verifying an upload before any message may reference it: the object exists and was uploaded on
// a ticket issued to this user for this conversation, its size and declared type are the ticket's,
// and its bytes really are that type. Then the region publishes what receivers download under
// keys only the region writes (a client holding a still-valid upload URL cannot swap the bytes
// after the check), with a thumbnail and placeholder for images and the duration of audio/video.
// Derived keys are a hash of the upload key, so verifying twice gives the same answer.
import { createHash } from "node:crypto";
import {
  ChatError,
  type ConversationId,
  mediaKeyPrefix,
  mediaObjectKey,
  type RegionMediaVerifyRequest,
  type VerifiedMedia,
} from "@edge-chat/protocol";
import type { Repositories } from "../../repositories/ports.ts";
import type { MediaStore } from "../ports.ts";
import { checkedDuration, durationMsOf } from "./duration.ts";
import { processImage } from "./image.ts";
import { sniff, sniffedMatches } from "./sniff.ts";

/** A video's poster frame (JPEG bytes) and duration, each null when they cannot be had. */
export type VideoProbe = (
  video: Uint8Array,
) => Promise<{ poster: Uint8Array | null; durationMs: number | null }>;

export interface VerifyDeps {
  repositories: Repositories;
  store: MediaStore;
  videoProbe?: VideoProbe;
  now: () => number;
}

/** A key of the conversation derived from the upload's: a UUID-shaped hash, stable per role. */
export function derivedKey(
  conversationId: ConversationId,
  uploadKey: string,
  role: "published" | "thumbnail" | "poster",
): string {
  const hex = createHash("sha256").update(`${uploadKey}\n${role}`).digest("hex");
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return mediaObjectKey(conversationId, uuid);
}

export async function verifyUpload(
  deps: VerifyDeps,
  request: RegionMediaVerifyRequest,
): Promise<VerifiedMedia> {
  const { conversationId, userId, objectKey } = request;
  const row = objectKey.startsWith(mediaKeyPrefix(conversationId))
    ? await deps.repositories.mediaObjects.get(objectKey)
    : null;
  // Someone else's upload, or another conversation's, is as unknown as one that never existed.
  if (!row || row.conversationId !== conversationId || row.ownerId !== userId) {
    throw new ChatError("not_found", "no such upload");
  }
  const stored = await deps.store.head(objectKey);
  if (!stored) throw new ChatError("not_found", "the object has not been uploaded");
  if (stored.size !== row.size)
    refuseWith(`the object has ${stored.size} bytes, the ticket ${row.size}`);
  if (stored.contentType.toLowerCase() !== row.mime) {
    refuseWith(`the object is stored as ${stored.contentType}, the ticket says ${row.mime}`);
  }
  const bytes = await deps.store.read(objectKey);
  if (!bytes || bytes.length !== row.size) throw new ChatError("not_found", "the object changed");
  const sniffed = sniff(bytes);
  if (!sniffed || !sniffedMatches(sniffed, row.mime)) {
    refuseWith(`the bytes are not ${row.mime}`);
  }
  const kind = kindOf(row.mime);
  if (sniffed!.kind === "image" && kind !== "image") refuseWith(`the bytes are not ${row.mime}`);

  const publishedKey = derivedKey(conversationId, objectKey, "published");
  const record = (key: string, mime: string, size: number) =>
    deps.repositories.mediaObjects.put({
      objectKey: key,
      ownerId: userId,
      conversationId,
      mime,
      size,
      createdAt: deps.now(),
    });

  if (kind === "image") {
    const image = await processImage(bytes);
    const thumbnailKey = derivedKey(conversationId, objectKey, "thumbnail");
    await deps.store.put(thumbnailKey, image.thumbnail.bytes, image.thumbnail.mime);
    await record(thumbnailKey, image.thumbnail.mime, image.thumbnail.bytes.length);
    await deps.store.put(publishedKey, image.published, row.mime);
    await record(publishedKey, row.mime, image.published.length);
    return {
      objectKey: publishedKey,
      kind,
      mime: row.mime,
      size: image.published.length,
      width: image.width,
      height: image.height,
      thumbnailKey,
      placeholder: image.placeholder,
    };
  }

  const probe = kind === "video" && deps.videoProbe ? await deps.videoProbe(bytes) : null;
  const verified: VerifiedMedia = {
    objectKey: publishedKey,
    kind,
    mime: row.mime,
    size: bytes.length,
    // music-metadata reads audio tracks; a video-only file's duration comes from ffmpeg.
    durationMs: await durationMsOf(bytes, row.mime).catch((error: unknown) => {
      if (probe?.durationMs) return checkedDuration(probe.durationMs);
      throw error;
    }),
  };
  if (probe?.poster) {
    const posterKey = derivedKey(conversationId, objectKey, "poster");
    const image = await processImage(probe.poster);
    await deps.store.put(posterKey, probe.poster, "image/jpeg");
    await record(posterKey, "image/jpeg", probe.poster.length);
    Object.assign(verified, {
      posterKey,
      width: image.width,
      height: image.height,
      placeholder: image.placeholder,
    });
  }
  await deps.store.put(publishedKey, bytes, row.mime);
  await record(publishedKey, row.mime, bytes.length);
  return verified;
}

function refuseWith(message: string): never {
  throw new ChatError("invalid_request", message);
}

function kindOf(mime: string): VerifiedMedia["kind"] {
  const top = mime.split("/")[0];
  if (top === "image" || top === "audio" || top === "video") return top;
  refuseWith(`${mime} is not a media type`);
}
