// Image derivatives, made with sharp (libvips) from an upload whose bytes were sniffed as an image:
// the copy receivers download (EXIF, XMP and IPTC removed: they carry GPS location and camera
// serials), a thumbnail of a few hundred pixels, and a ThumbHash placeholder of a few dozen bytes.
import { ChatError } from "@edge-chat/protocol";
import sharp, { type Metadata } from "sharp";
import { rgbaToThumbHash } from "thumbhash";

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_MAX_PX = 320;
/** Decoding stops past this many pixels (a small file can claim huge dimensions). */
const MAX_INPUT_PIXELS = 64 * 1024 * 1024;
/** ThumbHash takes at most 100×100 pixels. */
const PLACEHOLDER_MAX_PX = 100;

export interface ProcessedImage {
  width: number;
  height: number;
  /** The bytes to publish: the original when it has no metadata, else a re-encoded copy. */
  published: Uint8Array;
  thumbnail: { bytes: Uint8Array; mime: "image/webp" };
  placeholder: string;
}

const FORMATS = { jpeg: "jpeg", png: "png", webp: "webp", gif: "gif", heif: "heif" } as const;

function open(bytes: Uint8Array) {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" });
}

/** A ThumbHash (base64) of the image, oriented as it will be displayed. */
export async function placeholderOf(bytes: Uint8Array): Promise<string> {
  const { data, info } = await open(bytes)
    .rotate()
    .resize(PLACEHOLDER_MAX_PX, PLACEHOLDER_MAX_PX, { fit: "inside" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString("base64");
}

export async function processImage(bytes: Uint8Array): Promise<ProcessedImage> {
  let meta: Metadata;
  try {
    meta = await open(bytes).metadata();
  } catch (error) {
    throw new ChatError("invalid_request", "the image could not be decoded", { cause: error });
  }
  if (!meta.width || !meta.height) throw new ChatError("invalid_request", "the image has no size");
  // EXIF orientations 5-8 turn the picture a quarter: the displayed size swaps.
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  const hasMetadata = Boolean(meta.exif || meta.xmp || meta.iptc);
  let published = bytes;
  const format = FORMATS[meta.format as keyof typeof FORMATS];
  try {
    if (hasMetadata) {
      if (!format) throw new Error(`no encoder kept for ${meta.format}`);
      // sharp writes no metadata unless asked to; rotate() bakes the orientation into the pixels,
      // since the tag that said how to turn them goes with the rest.
      published = new Uint8Array(
        await open(bytes)
          .rotate()
          .toFormat(format, format === "jpeg" || format === "webp" ? { quality: 90 } : {})
          .toBuffer(),
      );
    }
    const thumbnail = new Uint8Array(
      await open(bytes)
        .rotate()
        .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: "inside", withoutEnlargement: true })
        .webp({ quality: 70 })
        .toBuffer(),
    );
    return {
      width,
      height,
      published,
      thumbnail: { bytes: thumbnail, mime: "image/webp" },
      placeholder: await placeholderOf(bytes),
    };
  } catch (error) {
    throw new ChatError("invalid_request", "the image could not be decoded", { cause: error });
  }
}
