// Real media made inside the tests: images with sharp (with and without EXIF location), audio and
// video with the ffmpeg of the npm registry. Nothing is checked in.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { ffmpegPath } from "../src/media/verify/poster.ts";

/** A PNG with a diagonal gradient, `width`×`height`. */
export async function gradientPng(width: number, height: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = Math.round((255 * x) / width);
      pixels[at + 1] = Math.round((255 * y) / height);
      pixels[at + 2] = 128;
    }
  }
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

/** A JPEG that carries EXIF with a camera name and a GPS position, like a phone's photo. */
export async function jpegWithLocation(width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(await gradientPng(width, height))
      .jpeg({ quality: 85 })
      .withExif({
        IFD0: { Make: "EdgeChatTestCam", Model: "Model-42" },
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "48/1 51/1 24/1",
          GPSLongitudeRef: "E",
          GPSLongitude: "2/1 21/1 3/1",
        },
      })
      .toBuffer(),
  );
}

/** Media made by ffmpeg from its built-in test sources (`lavfi`). */
export async function ffmpegMedia(
  kind: "opus" | "webm" | "mp4",
  seconds: number,
): Promise<Uint8Array> {
  const binary = ffmpegPath();
  if (!binary) throw new Error("the ffmpeg package has no binary for this platform");
  const out = join(tmpdir(), `edge-chat-media-${randomUUID()}.${kind === "opus" ? "ogg" : kind}`);
  const input =
    kind === "opus"
      ? ["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-c:a", "libopus"]
      : [
          "-f",
          "lavfi",
          "-i",
          `testsrc=size=320x240:rate=10:duration=${seconds}`,
          ...(kind === "webm"
            ? ["-c:v", "libvpx", "-b:v", "200k"]
            : ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]),
        ];
  await new Promise<void>((resolve, reject) =>
    execFile(
      binary,
      ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...input, out],
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  try {
    return new Uint8Array(await readFile(out));
  } finally {
    await rm(out, { force: true });
  }
}
