// Issue #11's "done": with only `npm start` (tools/dev/start.ts run as it is, on free ports: the
// embedded regions, the embedded object store, the edge under wrangler dev), two people exchange a
// photo, a voice note and a short video in the demo, in headless Chromium (Debian's, driven by
// playwright-core). Bob's page draws the ThumbHash placeholder while the thumbnail is held back,
// then the region's thumbnail, the full picture on a click, a voice note whose metadata loads and a
// video that plays with its poster frame; Alice's upload progress reaches 100 %. Screenshots are
// kept in e2e/test/artifacts/. No Java, Kafka or Cassandra is involved.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../tools/metrics/test/browser.ts";
import { type DevStack, startDevStack } from "../src/dev-stack.ts";
import { type MediaFiles, makeMediaFiles } from "../src/media-files.ts";
import { openDirect, shot, signIn } from "./browser-support.ts";

let stack: DevStack;
let browser: Browser;
let files: MediaFiles;

beforeAll(async () => {
  files = await makeMediaFiles(`demo-${process.pid}`);
  // Cached objects stay fresh for the whole test, however slow the machine.
  stack = await startDevStack({ env: { MEDIA_CACHE_TTL_MS: "600000" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function page(userId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const opened = await context.newPage();
  await signIn(opened, stack.edgeUrl, userId);
  return opened;
}

/** Resolves with a media element's duration once its metadata loads (NaN if it cannot). */
function durationOf(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate(
    (node) =>
      new Promise<number>((resolve) => {
        // Runs in the page: an HTMLMediaElement (e2e compiles without DOM types).
        const el = node as unknown as {
          readyState: number;
          duration: number;
          preload: string;
          load(): void;
          addEventListener(type: string, fn: () => void): void;
        };
        if (el.readyState >= 1) return resolve(el.duration);
        el.addEventListener("loadedmetadata", () => resolve(el.duration));
        el.addEventListener("error", () => resolve(Number.NaN));
        if (el.preload === "none") {
          el.preload = "metadata";
          el.load();
        }
      }),
  );
}

describe("the demo under npm start: media between two browsers", () => {
  it("exchanges a photo, a voice note and a video, with placeholder, thumbnail and full view", async () => {
    const suffix = Date.now().toString(36);
    const [alice, bob] = [`alice-${suffix}`, `bob-${suffix}`];
    const a = await page(alice);
    const b = await page(bob);
    await openDirect(a, bob);
    // Bob's pictures are held back at first, so his page shows what it draws before any download.
    let holding = true;
    const held: Array<() => Promise<void>> = [];
    await b.route(
      (url) => url.pathname.includes("/edge-chat-media/"),
      async (route) => {
        if (holding && route.request().resourceType() === "image") {
          held.push(() => route.continue());
          return;
        }
        await route.continue();
      },
    );
    await openDirect(b, alice);
    // Downloads are signed for the local CDN; what it answered Bob's pictures with.
    const bobsPictures: Array<string | null> = [];
    b.on("response", (response) => {
      if (
        response.request().resourceType() === "image" &&
        response.url().includes("/edge-chat-media/")
      ) {
        bobsPictures.push(response.headers()["x-cache"] ?? null);
      }
    });

    for (const [file, kind] of [
      [files.photo, "image"],
      [files.voice, "audio"],
      [files.video, "video"],
    ] as const) {
      await a.setInputFiles("#image", file);
      const sent = await a
        .waitForSelector(`#messages .media.${kind}`, { state: "attached", timeout: 60_000 })
        .catch(() => null);
      if (!sent) throw new Error(`alice could not send ${kind}: ${await a.textContent("#error")}`);
      await a.waitForSelector("#upload-progress[hidden]", { state: "attached" });
      // The bar followed the upload to its end (XMLHttpRequest progress events).
      expect(await a.getAttribute("#upload-progress", "data-last")).toBe("1.00");
      await b.waitForSelector(`#messages .media.${kind}`, { state: "attached", timeout: 60_000 });
    }
    await a.waitForSelector('.msg.mine .ticks[title="read"]');

    // Placeholder first: the ThumbHash travels in the message, the thumbnail is still held.
    expect(await b.locator("#messages .media.image[data-placeholder=yes]").count()).toBe(1);
    expect(await b.locator("#messages .media.image.loaded").count()).toBe(0);
    await shot(b, "demo-media-1-bob-placeholder");

    holding = false;
    for (const release of held.splice(0)) await release();
    await b.waitForSelector("#messages .media.image.loaded", { timeout: 60_000 });
    await b.waitForSelector("#messages .media.video.loaded", { timeout: 60_000 });
    const thumb = await b.locator("#messages .media.image img").evaluate((img) => ({
      width: (img as unknown as { naturalWidth: number }).naturalWidth,
      height: (img as unknown as { naturalHeight: number }).naturalHeight,
    }));
    // The region's thumbnail (320 px wide), not the 800×500 original.
    expect(thumb).toEqual({ width: 320, height: 200 });
    // Alice's page fetched the thumbnail first: Bob's copy came from the cache, not the store.
    expect(bobsPictures).toContain("Hit");
    expect(
      new URL((await b.locator("#messages .media.image img").getAttribute("src"))!).origin,
    ).toBe(stack.mediaCacheUrl);
    expect(await b.locator("#messages .media.video video").getAttribute("poster")).toMatch(/^http/);

    // The voice note's metadata loads from its signed URL: about 2 s.
    const voice = await durationOf(b, "#messages .media.audio audio");
    expect(voice).toBeGreaterThan(1.5);
    expect(voice).toBeLessThan(2.5);
    // The video plays (muted, as autoplay rules want) and is about 2 s long.
    const video = await durationOf(b, "#messages .media.video video");
    expect(video).toBeGreaterThan(1.5);
    expect(video).toBeLessThan(2.5);
    await b.locator("#messages .media.video video").evaluate((node) => {
      const el = node as unknown as { muted: boolean; play(): Promise<void> };
      el.muted = true;
      return el.play();
    });
    await b.waitForFunction(
      () =>
        (
          (
            globalThis as unknown as { document: { querySelector(s: string): unknown } }
          ).document.querySelector("#messages .media.video video") as { currentTime: number }
        ).currentTime > 0,
      undefined,
      { timeout: 60_000 },
    );
    await shot(b, "demo-media-2-bob-thumbnails");
    await shot(a, "demo-media-3-alice");

    // A click on the thumbnail opens the full-size picture (the published copy, 800×500).
    const [full] = await Promise.all([
      b.context().waitForEvent("page"),
      b.click("#messages .media.image img"),
    ]);
    await full.waitForLoadState();
    const size = await full.locator("img").evaluate((img) => ({
      width: (img as unknown as { naturalWidth: number }).naturalWidth,
      height: (img as unknown as { naturalHeight: number }).naturalHeight,
    }));
    expect(size).toEqual({ width: 800, height: 500 });
    await shot(full, "demo-media-4-bob-full-view");
  });
});
