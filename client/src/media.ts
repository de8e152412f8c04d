// Media by reference for the SDK: ask the edge for a signed upload URL, PUT the bytes straight to
// object storage, and hand back the content to send as a message (`{kind, media}`). Downloads are a
// fresh signed URL per call. The bytes never pass through the chat connection.
import {
  ChatError,
  type ConversationId,
  type MediaKind,
  mediaUploadProblem,
  type UserContent,
  UserContent as UserContentSchema,
} from "@edge-chat/protocol";
import type { FetchLike, MediaTickets } from "./http-api.ts";

/** The bytes to upload. A Blob (File) streams; the size is taken from the data itself. */
export type MediaData = Blob | ArrayBuffer | Uint8Array<ArrayBuffer>;

interface Common {
  /** A type the kind accepts (see the protocol's MEDIA_MIME_TYPES). */
  mime: string;
  data: MediaData;
}

/** What to upload, with the facts a message about it carries (dimensions, duration, thumbnail). */
export type MediaUpload =
  | (Common & { kind: "image"; width: number; height: number; thumbnailKey?: string })
  | (Common & { kind: "audio"; durationMs: number })
  | (Common & {
      kind: "video";
      width: number;
      height: number;
      durationMs: number;
      thumbnailKey?: string;
    });

/** The message content for an uploaded object of kind K (add a `caption` if the kind has one). */
export type MediaContent<K extends MediaKind = MediaKind> = Extract<UserContent, { kind: K }>;

function sizeOf(data: MediaData): number {
  return data instanceof Blob ? data.size : data.byteLength;
}

/** The message content for `upload` once stored under `objectKey`, validated by the protocol. */
function contentFor(upload: MediaUpload, objectKey: string): MediaContent {
  const { data, kind, ...facts } = upload;
  const content = { kind, media: { ...facts, objectKey, size: sizeOf(data) } };
  const parsed = UserContentSchema.safeParse(content);
  if (!parsed.success) {
    throw new ChatError("invalid_request", `invalid ${kind} description`, { cause: parsed.error });
  }
  return parsed.data as MediaContent;
}

/**
 * Uploads `upload` for `conversationId`: checks it locally, gets a ticket from the edge (members
 * only), PUTs the bytes to the signed URL with the signed headers, and returns the content to send.
 */
export async function uploadMedia<K extends MediaKind>(
  tickets: MediaTickets,
  fetchImpl: FetchLike,
  conversationId: ConversationId,
  upload: Extract<MediaUpload, { kind: K }>,
): Promise<MediaContent<K>> {
  const size = sizeOf(upload.data);
  const problem = mediaUploadProblem({ kind: upload.kind, mime: upload.mime, size });
  if (problem) throw problem;
  if (size === 0) throw new ChatError("invalid_request", "media must not be empty");
  // Dimensions and duration are checked before anything is uploaded.
  contentFor(upload, "pending");
  const ticket = await tickets.mediaUploadTicket(conversationId, {
    kind: upload.kind,
    mime: upload.mime,
    size,
  });
  // content-length is signed too, but fetch sets it from the body (callers may not set it).
  const headers = Object.fromEntries(
    Object.entries(ticket.headers).filter(([name]) => name.toLowerCase() !== "content-length"),
  );
  let response: Response;
  try {
    response = await fetchImpl(ticket.uploadUrl, {
      method: ticket.method,
      headers,
      body: upload.data,
    });
  } catch (cause) {
    throw new ChatError("unavailable", "object storage cannot be reached", { cause });
  }
  await response.body?.cancel();
  if (!response.ok) {
    // An expired or refused URL: asking for a new ticket and uploading again may succeed.
    throw new ChatError(
      "unavailable",
      `object storage refused the upload (HTTP ${response.status})`,
    );
  }
  return contentFor(upload, ticket.objectKey) as MediaContent<K>;
}
