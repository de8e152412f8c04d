// A video's poster frame (its first frame as a JPEG) and duration, from one run of ffmpeg. The binary comes from the npm
// registry (@ffmpeg-installer/ffmpeg and its per-platform package), so `npm install` brings it with
// no system package. Where the platform has no such package, posters are skipped (null), not faked.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VideoProbe } from "./index.ts";

/** ffmpeg gives up on a file after this long (a hostile file must not hold a region forever). */
const TIMEOUT_MS = 20_000;

/** The ffmpeg binary of the npm package, or null where the platform has none. */
export function ffmpegPath(): string | null {
  try {
    const installer = createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as {
      path: string;
    };
    return installer.path;
  } catch {
    return null;
  }
}

/** `Duration: 00:01:02.50` in ffmpeg's report of its input → ms. */
export function durationFromReport(report: string): number | null {
  const m = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(report);
  if (!m) return null;
  const ms = Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
  return ms > 0 ? ms : null;
}

export function ffmpegVideoProbe(binary: string): VideoProbe {
  return async (video) => {
    const base = join(tmpdir(), `edge-chat-poster-${randomUUID()}`);
    const input = `${base}.in`;
    const output = `${base}.jpg`;
    try {
      await writeFile(input, video);
      const { ok, report } = await new Promise<{ ok: boolean; report: string }>((resolve) => {
        execFile(
          binary,
          [
            "-hide_banner",
            "-nostdin",
            "-i",
            input,
            "-frames:v",
            "1",
            "-q:v",
            "4",
            "-f",
            "image2",
            "-c:v",
            "mjpeg",
            output,
          ],
          { timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024 },
          (error, _stdout, stderr) => resolve({ ok: error === null, report: String(stderr) }),
        );
      });
      // A video that ffmpeg cannot decode gets no poster; its bytes were already sniffed.
      return {
        poster: ok ? new Uint8Array(await readFile(output)) : null,
        durationMs: durationFromReport(report),
      };
    } finally {
      await rm(input, { force: true });
      await rm(output, { force: true });
    }
  };
}
