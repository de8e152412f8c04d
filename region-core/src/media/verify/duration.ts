// Audio and video duration, read from the container (music-metadata: MP3, MP4/M4A, Ogg/Opus, WebM,
// AAC). A recorder's WebM may not state its duration in its header; music-metadata then scans
// the clusters, which is why it is given the whole file.
import { ChatError, LIMITS } from "@edge-chat/protocol";
import { parseBuffer } from "music-metadata";

export async function durationMsOf(bytes: Uint8Array, mime: string): Promise<number> {
  let seconds: number | undefined;
  try {
    const parsed = await parseBuffer(
      bytes,
      { mimeType: mime, size: bytes.length },
      { duration: true },
    );
    seconds = parsed.format.duration;
  } catch (error) {
    throw new ChatError("invalid_request", "the media could not be parsed", { cause: error });
  }
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    throw new ChatError("invalid_request", "the media states no duration");
  }
  return checkedDuration(Math.max(1, Math.round(seconds * 1000)));
}

/** A duration in ms, refused past the protocol's limit. */
export function checkedDuration(ms: number): number {
  if (ms > LIMITS.maxMediaDurationMs) {
    throw new ChatError(
      "content_too_large",
      `media is at most ${LIMITS.maxMediaDurationMs} ms long`,
    );
  }
  return ms;
}
