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
  mediaUploadProblem,
  type RegionMediaVerifyRequest,
  type VerifiedMedia,
} from "@edge-chat/protocol";
import type { Repositories } from "../../repositories/ports.ts";
import type { MediaStore } from "../ports.ts";
import { PUBLISHED } from "../references.ts";
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
  const stored = objectKey.startsWith(mediaKeyPrefix(conversationId))
    ? await deps.store.head(objectKey)
    : null;
  // The ticket travels with the object (signed metadata): someone else's upload, another
  // conversation's, or one never made is as unknown as one that does not exist.
  const ticket = stored ? ticketOf(stored.metadata) : null;
  if (!stored || !ticket || ticket.conversationId !== conversationId || ticket.ownerId !== userId) {
    throw new ChatError("not_found", "no such upload");
  }
  // This region's row, when it has one, must agree too (it is written before the URL is signed).
  const row = await deps.repositories.mediaObjects.get(objectKey);
  if (row && (row.ownerId !== userId || row.conversationId !== conversationId)) {
    throw new ChatError("not_found", "no such upload");
  }
  const mime = stored.contentType.toLowerCase();
  if (stored.size !== ticket.size || (row && stored.size !== row.size)) {
    refuseWith(`the object has ${stored.size} bytes, the ticket ${row?.size ?? ticket.size}`);
  }
  if (row && mime !== row.mime) {
    refuseWith(`the object is stored as ${mime}, the ticket says ${row.mime}`);
  }
  const kind = kindOf(mime);
  const problem = mediaUploadProblem({ kind, mime, size: stored.size });
  if (problem) throw problem;
  const bytes = await deps.store.read(objectKey);
  if (!bytes || bytes.length !== stored.size)
    throw new ChatError("not_found", "the object changed");
  const sniffed = sniff(bytes);
  if (!sniffed || !sniffedMatches(sniffed, mime)) refuseWith(`the bytes are not ${mime}`);
  if (sniffed!.kind === "image" && kind !== "image") refuseWith(`the bytes are not ${mime}`);

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
    await deps.store.put(thumbnailKey, image.thumbnail.bytes, image.thumbnail.mime, PUBLISHED);
    await record(thumbnailKey, image.thumbnail.mime, image.thumbnail.bytes.length);
    await deps.store.put(publishedKey, image.published, mime, PUBLISHED);
    await record(publishedKey, mime, image.published.length);
    return {
      objectKey: publishedKey,
      kind,
      mime: mime,
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
    mime: mime,
    size: bytes.length,
    // music-metadata reads audio tracks; a video-only file's duration comes from ffmpeg.
    durationMs: await durationMsOf(bytes, mime).catch((error: unknown) => {
      if (probe?.durationMs) return checkedDuration(probe.durationMs);
      throw error;
    }),
  };
  if (probe?.poster) {
    const posterKey = derivedKey(conversationId, objectKey, "poster");
    const image = await processImage(probe.poster);
    await deps.store.put(posterKey, probe.poster, "image/jpeg", PUBLISHED);
    await record(posterKey, "image/jpeg", probe.poster.length);
    Object.assign(verified, {
      posterKey,
      width: image.width,
      height: image.height,
      placeholder: image.placeholder,
    });
  }
  await deps.store.put(publishedKey, bytes, mime, PUBLISHED);
  await record(publishedKey, mime, bytes.length);
  return verified;
}

/** The metadata an upload URL signs into its object: who may verify it, and its ticket size. */
export function uploadMetadata(ticket: {
  userId: string;
  conversationId: string;
  size: number;
}): Record<string, string> {
  return { owner: ticket.userId, conversation: ticket.conversationId, size: String(ticket.size) };
}

/** Whether an object is a client's upload (it carries its ticket), not one the region wrote. */
export function isRawUpload(metadata: Record<string, string>): boolean {
  return ticketOf(metadata) !== null;
}

function ticketOf(metadata: Record<string, string>) {
  const get = (name: string) => metadata[name] ?? metadata[`x-amz-meta-${name}`];
  const ownerId = get("owner");
  const conversationId = get("conversation");
  const size = Number(get("size"));
  if (!ownerId || !conversationId || !Number.isInteger(size)) return null;
  return { ownerId, conversationId, size };
}

function refuseWith(message: string): never {
  throw new ChatError("invalid_request", message);
}

function kindOf(mime: string): VerifiedMedia["kind"] {
  const top = mime.split("/")[0];
  if (top === "image" || top === "audio" || top === "video") return top;
  refuseWith(`${mime} is not a media type`);
}
