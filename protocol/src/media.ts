// Media by reference: the bodies of the upload/download ticket APIs (public at the edge, and the
// region's), the object key format that scopes every object to one conversation, and the rules a
// proposed upload must meet. The bytes go straight to object storage with short-lived signed URLs.
import { z } from "zod";
import { ChatError } from "./errors.ts";
import { ConversationId, Timestamp, UserId } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import { MediaPlaceholder } from "./message.ts";

export const MediaKind = z.enum(["image", "audio", "video"]);
export type MediaKind = z.infer<typeof MediaKind>;

/**
 * The content types each kind accepts. An allow-list rather than `image/*`: objects are served
 * from the storage origin as uploaded, and types such as image/svg+xml or text/html would let an
 * upload run script there.
 */
export const MEDIA_MIME_TYPES: Record<MediaKind, readonly string[]> = {
  image: ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic"],
  audio: ["audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/opus", "audio/webm"],
  video: ["video/mp4", "video/webm", "video/quicktime"],
};

const Mime = z
  .string()
  .min(3)
  .max(127)
  .regex(/^[\w.+-]+\/[\w.+-]+$/, "a MIME type");

/** An object key: `c/<conversationId>/<uuid>`, made by the region when it issues an upload URL. */
export const MediaObjectKey = z.string().min(1).max(512);

/** The last segment of a key: a lowercase UUID (crypto.randomUUID). */
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The prefix every object of a conversation lives under. */
export function mediaKeyPrefix(conversationId: ConversationId): string {
  return `c/${conversationId}/`;
}

/** The key for a new object of a conversation (`id` is a fresh random UUID). */
export function mediaObjectKey(conversationId: ConversationId, id: string): string {
  return `${mediaKeyPrefix(conversationId)}${id}`;
}

/** Whether `key` is exactly the shape of an object key of this conversation (no other path). */
export function isMediaKeyOf(conversationId: ConversationId, key: string): boolean {
  const prefix = mediaKeyPrefix(conversationId);
  return key.startsWith(prefix) && KEY_ID.test(key.slice(prefix.length));
}

/**
 * Why an upload of `size` bytes of `mime` as `kind` is refused, or null when it is allowed:
 * `invalid_request` for a type the kind does not accept, `content_too_large` over the kind's limit.
 */
export function mediaUploadProblem(upload: {
  kind: MediaKind;
  mime: string;
  size: number;
}): ChatError | null {
  if (!MEDIA_MIME_TYPES[upload.kind].includes(upload.mime.toLowerCase())) {
    return new ChatError(
      "invalid_request",
      `${upload.mime} is not an accepted ${upload.kind} type`,
    );
  }
  const max = LIMITS.maxMediaBytes[upload.kind];
  if (upload.size > max) {
    return new ChatError("content_too_large", `${upload.kind} objects are at most ${max} bytes`);
  }
  return null;
}

/** POST /v1/conversations/:id/media (edge, members only): ask for an upload URL. */
export const MediaUploadRequest = z.object({
  kind: MediaKind,
  mime: Mime,
  size: z.number().int().min(1),
});
export type MediaUploadRequest = z.infer<typeof MediaUploadRequest>;

/**
 * A signed upload: PUT the bytes to `uploadUrl` with exactly `headers` before `expiresAt`, then
 * send a message whose media `objectKey` is this one. `content-length`, when listed, is signed
 * too: fetch sets it from the body, which must then be exactly `size` bytes.
 */
export const MediaUploadTicket = z.object({
  objectKey: MediaObjectKey,
  uploadUrl: z.url(),
  method: z.literal("PUT"),
  headers: z.record(z.string(), z.string()),
  expiresAt: Timestamp,
});
export type MediaUploadTicket = z.infer<typeof MediaUploadTicket>;

/** A signed download URL for one object (GET /v1/conversations/:id/media/:objectKey as JSON). */
export const MediaDownloadTicket = z.object({
  objectKey: MediaObjectKey,
  url: z.url(),
  expiresAt: Timestamp,
});
export type MediaDownloadTicket = z.infer<typeof MediaDownloadTicket>;

/** POST /v1/media/uploads (region, service token): the edge has checked membership already. */
export const RegionMediaUploadRequest = MediaUploadRequest.extend({
  userId: UserId,
  conversationId: ConversationId,
});
export type RegionMediaUploadRequest = z.infer<typeof RegionMediaUploadRequest>;

/** POST /v1/media/downloads (region, service token) → MediaDownloadTicket. */
export const RegionMediaDownloadRequest = z.object({
  userId: UserId,
  conversationId: ConversationId,
  objectKey: MediaObjectKey,
});
export type RegionMediaDownloadRequest = z.infer<typeof RegionMediaDownloadRequest>;

/**
 * POST /v1/conversations/:id/media/verify (edge, members only), after the PUT: the region checks
 * the upload against its ticket (owner, conversation, size, declared type, the type its bytes
 * show), publishes a clean copy and answers with what a message may then reference.
 */
export const MediaVerifyRequest = z.object({ objectKey: MediaObjectKey });
export type MediaVerifyRequest = z.infer<typeof MediaVerifyRequest>;

/** POST /v1/media/verify (region, service token): the edge has checked membership already. */
export const RegionMediaVerifyRequest = MediaVerifyRequest.extend({
  userId: UserId,
  conversationId: ConversationId,
});
export type RegionMediaVerifyRequest = z.infer<typeof RegionMediaVerifyRequest>;

/**
 * A verified upload, as published: the object receivers download (metadata such as EXIF location
 * removed), its real size and type, and what the region derived from it. A media message must
 * reference `objectKey` with this `mime` and `size`; the ConversationDO fills in the rest.
 */
export const VerifiedMedia = z.object({
  objectKey: MediaObjectKey,
  kind: MediaKind,
  mime: Mime,
  size: z.number().int().min(1),
  width: z.number().int().min(1).max(65_535).optional(),
  height: z.number().int().min(1).max(65_535).optional(),
  durationMs: z.number().int().min(1).max(LIMITS.maxMediaDurationMs).optional(),
  thumbnailKey: MediaObjectKey.optional(),
  posterKey: MediaObjectKey.optional(),
  placeholder: MediaPlaceholder.optional(),
});
export type VerifiedMedia = z.infer<typeof VerifiedMedia>;
