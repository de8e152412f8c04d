// Media references in a send. A message may only reference an object that a region verified for
// this sender in this conversation (POST …/media/verify recorded it in the ConversationDO): so no
// member can make others fetch an object of another conversation, someone else's upload, an
// object that was never uploaded, or bytes that are not what they claim. The message's media is
// then what the region measured: size and type must agree with it, and the derived fields
// (thumbnail, poster, placeholder, dimensions, duration) are the region's, whatever the client
// sent. Pure and cheap: one lookup, no region call on the send path.
import {
  ChatError,
  type ConversationId,
  isMediaKeyOf,
  mediaKeyPrefix,
  type UserContent,
  type UserId,
  type VerifiedMedia,
} from "@edge-chat/protocol";

export interface VerifiedRecord {
  ownerId: UserId;
  media: VerifiedMedia;
  /** When the region verified it (ms); absent in records made before it was kept. */
  verifiedAt?: number;
}

/**
 * How old a verification may be at send time. The region sweeps published copies that no message
 * references after its MEDIA_UPLOAD_MAX_AGE_SECONDS, so a send naming an older verification could
 * reference an object already deleted; the edge's limit is set below the region's by the longest
 * expected persist delay.
 */
export interface Freshness {
  now: number;
  maxAgeMs: number;
}

/** The verified objects of one conversation, by published object key. */
export interface VerifiedLookup {
  get(objectKey: string): VerifiedRecord | null;
}

const refuse = (message: string) => new ChatError("invalid_request", message);

/**
 * The content to store for a send: text as is; media only when verified and matching, with the
 * region's derived fields. Throws invalid_request otherwise (nothing is stored).
 */
export function verifyMediaMessage(
  conversationId: ConversationId,
  senderId: UserId,
  content: UserContent,
  verified: VerifiedLookup,
  freshness?: Freshness,
): UserContent {
  if (content.kind === "text") return content;
  const { objectKey } = content.media;
  if (!isMediaKeyOf(conversationId, objectKey)) {
    throw refuse(
      `media keys must be objects of this conversation (${mediaKeyPrefix(conversationId)}<id>)`,
    );
  }
  const record = verified.get(objectKey);
  // Someone else's verified object is refused with the same words as one never verified.
  if (!record || record.ownerId !== senderId) {
    throw refuse("media must be uploaded and verified by the sender first (POST …/media/verify)");
  }
  if (
    freshness !== undefined &&
    record.verifiedAt !== undefined &&
    freshness.now - record.verifiedAt > freshness.maxAgeMs
  ) {
    throw refuse("the media was verified too long ago: upload and verify it again");
  }
  const v = record.media;
  if (v.kind !== content.kind) throw refuse(`the object is ${v.kind}, not ${content.kind}`);
  if (v.mime !== content.media.mime.toLowerCase()) {
    throw refuse(`the object is ${v.mime}, not ${content.media.mime}`);
  }
  if (v.size !== content.media.size) throw refuse(`the object has ${v.size} bytes`);
  const { thumbnailKey: _t, posterKey: _p, placeholder: _ph, ...claimed } = content.media;
  const derived = {
    mime: v.mime,
    ...(v.width !== undefined && v.height !== undefined
      ? { width: v.width, height: v.height }
      : {}),
    ...(v.durationMs !== undefined ? { durationMs: v.durationMs } : {}),
    ...(v.thumbnailKey !== undefined ? { thumbnailKey: v.thumbnailKey } : {}),
    ...(v.posterKey !== undefined ? { posterKey: v.posterKey } : {}),
    ...(v.placeholder !== undefined ? { placeholder: v.placeholder } : {}),
  };
  return { ...content, media: { ...claimed, ...derived } } as UserContent;
}
