// Media by reference for the SDK: ask the edge for a signed upload URL, PUT the bytes straight to
// object storage, ask the edge to have the upload verified, and hand back the content to send as a
// message (`{kind, media}`) naming the verified, published object. Downloads are a fresh signed
// URL per call. The bytes never pass through the chat connection.
import {
  ChatError,
  type ConversationId,
  type MediaKind,
  mediaUploadProblem,
  type UserContent,
  UserContent as UserContentSchema,
  type VerifiedMedia,
} from "@edge-chat/protocol";
import type { FetchLike, MediaTickets } from "./http-api.ts";

/** The bytes to upload. A Blob (File) streams; the size is taken from the data itself. */
export type MediaData = Blob | ArrayBuffer | Uint8Array<ArrayBuffer>;

interface Common {
  /** A type the kind accepts (see the protocol's MEDIA_MIME_TYPES). */
  mime: string;
  data: MediaData;
}

/**
 * What to upload. The region measures dimensions and duration and makes the thumbnail, poster and
 * placeholder itself; what is given here only fills what it could not measure (a video's size
 * where no poster frame could be made).
 */
export type MediaUpload =
  | (Common & { kind: "image"; width?: number; height?: number })
  | (Common & { kind: "audio"; durationMs?: number })
  | (Common & { kind: "video"; width?: number; height?: number; durationMs?: number });

/** Upload progress: bytes sent of the total (a fetch-based PUT reports only the end). */
export type UploadProgress = (sent: number, total: number) => void;

/** PUTs bytes to a signed URL; the default is fetch. Browsers may pass one with progress. */
export type Uploader = (request: {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  body: MediaData;
  onProgress?: UploadProgress | undefined;
}) => Promise<{ ok: boolean; status: number }>;

/** The message content for an uploaded object of kind K (add a `caption` if the kind has one). */
export type MediaContent<K extends MediaKind = MediaKind> = Extract<UserContent, { kind: K }>;

function sizeOf(data: MediaData): number {
  return data instanceof Blob ? data.size : data.byteLength;
}

/** The message content for `upload` as the region verified it, validated by the protocol. */
function contentFor(upload: MediaUpload, verified: VerifiedMedia): MediaContent {
  const { data: _data, kind, mime: _mime, ...facts } = upload;
  const { kind: _kind, ...measured } = verified;
  const content = { kind, media: { ...facts, ...measured } };
  const parsed = UserContentSchema.safeParse(content);
  if (!parsed.success) {
    throw new ChatError("invalid_request", `invalid ${kind} description`, { cause: parsed.error });
  }
  return parsed.data as MediaContent;
}

/** The default uploader: fetch, which reports no progress before the end. */
function fetchUploader(fetchImpl: FetchLike): Uploader {
  return async ({ url, method, headers, body, onProgress }) => {
    const response = await fetchImpl(url, { method, headers, body });
    await response.body?.cancel();
    if (response.ok) onProgress?.(sizeOf(body), sizeOf(body));
    return { ok: response.ok, status: response.status };
  };
}

/**
 * Uploads `upload` for `conversationId`: checks it locally, gets a ticket from the edge (members
 * only), PUTs the bytes to the signed URL with the signed headers, has the upload verified, and
 * returns the content to send.
 */
export async function uploadMedia<K extends MediaKind>(
  tickets: MediaTickets,
  fetchImpl: FetchLike,
  conversationId: ConversationId,
  upload: Extract<MediaUpload, { kind: K }>,
  options: { uploader?: Uploader; onProgress?: UploadProgress } = {},
): Promise<MediaContent<K>> {
  const size = sizeOf(upload.data);
  const problem = mediaUploadProblem({ kind: upload.kind, mime: upload.mime, size });
  if (problem) throw problem;
  if (size === 0) throw new ChatError("invalid_request", "media must not be empty");
  const ticket = await tickets.mediaUploadTicket(conversationId, {
    kind: upload.kind,
    mime: upload.mime,
    size,
  });
  // content-length is signed too, but fetch sets it from the body (callers may not set it).
  const headers = Object.fromEntries(
    Object.entries(ticket.headers).filter(([name]) => name.toLowerCase() !== "content-length"),
  );
  let response: { ok: boolean; status: number };
  try {
    response = await (options.uploader ?? fetchUploader(fetchImpl))({
      url: ticket.uploadUrl,
      method: ticket.method,
      headers,
      body: upload.data,
      onProgress: options.onProgress,
    });
  } catch (cause) {
    throw new ChatError("unavailable", "object storage cannot be reached", { cause });
  }
  if (!response.ok) {
    // An expired or refused URL: asking for a new ticket and uploading again may succeed.
    throw new ChatError(
      "unavailable",
      `object storage refused the upload (HTTP ${response.status})`,
    );
  }
  const verified = await tickets.mediaVerify(conversationId, ticket.objectKey);
  return contentFor(upload, verified) as MediaContent<K>;
}
