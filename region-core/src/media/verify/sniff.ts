// What the bytes of an upload really are, from their first bytes (magic numbers), never from the
// name or the declared type: a `.png` that is really HTML is not an image. Pure.
import type { MediaKind } from "@edge-chat/protocol";

export interface Sniffed {
  kind: MediaKind;
  /** The most specific content type the bytes show. */
  mime: string;
}

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** ISO base media (MP4, QuickTime, HEIF/AVIF, M4A): the major and compatible brands of `ftyp`. */
function isoBrands(bytes: Uint8Array): string[] | null {
  if (!ascii(bytes, 4, "ftyp")) return null;
  const size = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const end = Math.min(size, bytes.length);
  const brands: string[] = [];
  for (let at = 8; at + 4 <= end; at += 4) {
    if (at === 12) continue; // minor version
    brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
  }
  return brands;
}

function sniffIso(brands: string[]): Sniffed {
  const has = (...b: string[]) => b.some((x) => brands.includes(x));
  if (has("avif", "avis")) return { kind: "image", mime: "image/avif" };
  if (has("heic", "heix", "mif1", "msf1", "heim", "heis"))
    return { kind: "image", mime: "image/heic" };
  if (has("qt  ")) return { kind: "video", mime: "video/quicktime" };
  if (brands[0] === "M4A " || brands[0] === "M4B ") return { kind: "audio", mime: "audio/mp4" };
  return { kind: "video", mime: "video/mp4" };
}

/** The type the bytes show, or null when they are none of the media types we accept. */
export function sniff(bytes: Uint8Array): Sniffed | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "image", mime: "image/jpeg" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { kind: "image", mime: "image/png" };
  }
  if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a"))
    return { kind: "image", mime: "image/gif" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP"))
    return { kind: "image", mime: "image/webp" };
  const brands = isoBrands(bytes);
  if (brands) return sniffIso(brands);
  if (ascii(bytes, 0, "OggS")) {
    // An Ogg stream's first page names its codec; Theora means video.
    const head = String.fromCharCode(...bytes.subarray(28, 36));
    if (head.includes("theora")) return { kind: "video", mime: "video/ogg" };
    return { kind: "audio", mime: head.includes("OpusHead") ? "audio/opus" : "audio/ogg" };
  }
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) {
    // Matroska/WebM; audio-only WebM is told apart by the region's parser, not here.
    return { kind: "video", mime: "video/webm" };
  }
  if (ascii(bytes, 0, "ID3")) return { kind: "audio", mime: "audio/mpeg" };
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xf6) === 0xf0) {
    return { kind: "audio", mime: "audio/aac" }; // ADTS
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) {
    return { kind: "audio", mime: "audio/mpeg" }; // an MPEG audio frame header
  }
  return null;
}

/** Container types that hold audio or video alike (a voice note in WebM or MP4 is "video/…" here). */
const SHARED_CONTAINERS: Record<string, readonly string[]> = {
  "video/webm": ["audio/webm", "video/webm"],
  "video/mp4": ["audio/mp4", "video/mp4"],
  "audio/mp4": ["audio/mp4", "video/mp4"],
  "audio/opus": ["audio/opus", "audio/ogg"],
  "audio/ogg": ["audio/ogg", "audio/opus"],
  "audio/aac": ["audio/aac", "audio/mp4"],
};

/**
 * Whether bytes sniffed as `sniffed` may be stored as `declared`. Images must match exactly (a
 * browser decides how to draw them from the type); audio and video may name any type of the same
 * container, since a recorder's WebM or MP4 holds either.
 */
export function sniffedMatches(sniffed: Sniffed, declared: string): boolean {
  const mime = declared.toLowerCase();
  if (sniffed.kind === "image") return sniffed.mime === mime;
  return sniffed.mime === mime || (SHARED_CONTAINERS[sniffed.mime]?.includes(mime) ?? false);
}
