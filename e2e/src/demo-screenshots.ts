// `npm run demo:screenshots -w e2e`: the demo page as two people use it, in headless Chromium
// (Debian's `chromium`, driven by playwright-core), against a running `npm start`. Alice sends a
// photo, a voice note and a video; Bob's page must show the ThumbHash placeholder while the
// thumbnail is held back, then the thumbnail, the video's poster and a playable voice note.
// Screenshots go to e2e/artifacts/demo/ (not committed). Exits non-zero if any check fails.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import sharp from "sharp";

const edge = process.env.EDGE_URL ?? "http://127.0.0.1:8787";
const browserPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const out = fileURLToPath(new URL("../artifacts/demo/", import.meta.url));
const run = Date.now().toString(36);

/** A photo, a voice note and a video, made here (sharp and the npm registry's ffmpeg). */
async function mediaFiles(): Promise<{ photo: string; voice: string; video: string }> {
  const dir = join(tmpdir(), `edge-chat-demo-${run}`);
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

async function signIn(browser: Browser, userId: string): Promise<Page> {
  const page = await (
    await browser.newContext({ viewport: { width: 1100, height: 800 } })
  ).newPage();
  page.on("pageerror", (error) => console.error(`[${userId}] page error:`, error.message));
  await page.goto(edge);
  await page.fill("#user-id", userId);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#pick:not([hidden])");
  return page;
}

async function openDirect(page: Page, peer: string): Promise<void> {
  await page.fill("#peer-id", peer);
  await page.click("#direct-form button[type=submit]");
  await page.waitForSelector("#chat:not([hidden])");
}

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = await mediaFiles();
const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
try {
  const alice = `alice-${run}`;
  const bob = `bob-${run}`;
  const a = await signIn(browser, alice);
  const b = await signIn(browser, bob);
  await openDirect(a, bob);
  // Bob's thumbnails are held back at first, so his page shows what it draws before any download.
  let holdThumbnails = true;
  const held: Array<() => Promise<void>> = [];
  await b.route(
    (url) => url.pathname.includes("/edge-chat-media/"),
    async (route) => {
      if (holdThumbnails && route.request().resourceType() === "image") {
        held.push(() => route.continue());
        return;
      }
      await route.continue();
    },
  );
  await openDirect(b, alice);

  for (const [file, kind] of [
    [files.photo, "image"],
    [files.voice, "audio"],
    [files.video, "video"],
  ] as const) {
    await a.setInputFiles("#image", file);
    const sent = await a
      .waitForSelector(`#messages .media.${kind}`, { state: "attached", timeout: 30_000 })
      .catch(() => null);
    if (!sent) throw new Error(`alice could not send ${kind}: ${await a.textContent("#error")}`);
    await b.waitForSelector(`#messages .media.${kind}`, { state: "attached", timeout: 30_000 });
  }
  await a.waitForSelector("#upload-progress[hidden]", { state: "attached" });
  await b.screenshot({ path: join(out, "1-bob-placeholders.png") });
  check(
    (await b.locator("#messages .media.image[data-placeholder=yes]").count()) === 1,
    "bob's photo is drawn with its ThumbHash placeholder before the thumbnail arrives",
  );
  check(
    (await b.locator("#messages .media.image.loaded").count()) === 0,
    "the held-back thumbnail has not loaded yet",
  );

  holdThumbnails = false;
  for (const release of held.splice(0)) await release();
  await b.waitForSelector("#messages .media.image.loaded", { timeout: 30_000 });
  await b.waitForSelector("#messages .media.video.loaded", { timeout: 30_000 });
  const thumb = await b.locator("#messages .media.image img").evaluate((img) => ({
    width: (img as unknown as { naturalWidth: number }).naturalWidth,
    height: (img as unknown as { naturalHeight: number }).naturalHeight,
  }));
  check(
    thumb.width === 320 && thumb.height === 200,
    `bob's photo shows the 320×200 thumbnail (${thumb.width}×${thumb.height})`,
  );
  const poster = await b.locator("#messages .media.video video").getAttribute("poster");
  check(Boolean(poster), "bob's video has the region's poster frame");
  const audio = await b.locator("#messages .media.audio audio").evaluate(
    (node) =>
      new Promise<number>((resolve) => {
        // Runs in the page: the element is an HTMLAudioElement (e2e compiles without DOM types).
        const el = node as unknown as {
          readyState: number;
          duration: number;
          addEventListener(type: string, fn: () => void): void;
        };
        if (el.readyState >= 1) resolve(el.duration);
        el.addEventListener("loadedmetadata", () => resolve(el.duration));
        el.addEventListener("error", () => resolve(Number.NaN));
      }),
  );
  check(audio > 1.5 && audio < 2.5, `bob's voice note loads and is ${audio.toFixed(2)} s long`);
  await b.screenshot({ path: join(out, "2-bob-thumbnails.png") });
  await a.screenshot({ path: join(out, "3-alice.png") });
  const full = await b.locator("#messages .media.image img").getAttribute("src");
  check(Boolean(full), "the thumbnail URL is a signed URL");
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
