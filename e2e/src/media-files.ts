// A photo, a voice note and a short video made on the spot (sharp, and the ffmpeg binary the npm
// registry packages), so no binary fixture is committed: shared by the demo's browser test and
// the screenshot script.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";

export interface MediaFiles {
  /** 800×500 JPEG */
  photo: string;
  /** 2 s Opus in Ogg */
  voice: string;
  /** 2 s 480×270 VP8 in WebM */
  video: string;
}

export async function makeMediaFiles(label: string): Promise<MediaFiles> {
  const dir = join(tmpdir(), `edge-chat-media-files-${label}`);
  mkdirSync(dir, { recursive: true });
  const width = 800;
  const height = 500;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      const ring = Math.hypot(x - 400, y - 250) % 120 < 60;
      pixels[at] = ring ? 240 : 30;
      pixels[at + 1] = Math.round((200 * y) / height);
      pixels[at + 2] = Math.round((255 * x) / width);
    }
  }
  const photo = join(dir, "photo.jpg");
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg()
    .toFile(photo);
  const ffmpeg = (createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as { path: string })
    .path;
  const voice = join(dir, "voice.ogg");
  const video = join(dir, "clip.webm");
  const quiet = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"];
  execFileSync(ffmpeg, [
    ...quiet,
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=330:duration=2",
    "-c:a",
    "libopus",
    voice,
  ]);
  execFileSync(ffmpeg, [
    ...quiet,
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=480x270:rate=15:duration=2",
    "-c:v",
    "libvpx",
    "-b:v",
    "300k",
    video,
  ]);
  return { photo, voice, video };
}
