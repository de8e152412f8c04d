// The local CDN (media/cdn-cache) in front of a real store (the embedded one and versitygw): the
// region signs downloads for the cache's host; the first member's download is read from the store
// (x-cache: Miss), the next member's comes from memory (Hit) without touching the store; ranges
// are served as the store serves them; and an expired or tampered URL is refused by the cache even
// for a cached object. The clock of the cache is the test's, so "expired" needs no waiting.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { MediaConfig } from "../src/config.ts";
import { type RunningCdnCache, startCdnCache } from "../src/media/cdn-cache/server.ts";
import type { MediaStore } from "../src/media/ports.ts";
import { s3MediaStore } from "../src/media/s3.ts";
import { embeddedTestStore, type TestStore, versitygwSettings } from "./media-stores.ts";

const services = inject("services");
let embedded: TestStore;

beforeAll(async () => {
  embedded = await embeddedTestStore("cdn-cache");
});
afterAll(async () => {
  await embedded?.close();
});

const stores: Array<[string, () => MediaConfig["s3"]]> = [
  ["embedded store", () => embedded.settings],
  ["versitygw", () => versitygwSettings(services)],
];

describe.each(stores)("the local CDN cache in front of the %s", (_name, settings) => {
  let origin: MediaStore;
  let region: MediaStore;
  let cache: RunningCdnCache;
  let clock = Date.now();
  let originReads = 0;

  beforeAll(async () => {
    const s3 = settings();
    origin = s3MediaStore(s3);
    cache = await startCdnCache({
      host: "127.0.0.1",
      port: 0,
      bucket: s3.bucket,
      // Counts the reads that reach the store.
      origin: {
        head: (key) => origin.head(key),
        read: (key) => {
          originReads++;
          return origin.read(key);
        },
      },
      credentials: [s3.credentials!],
      corsOrigins: ["*"],
      ttlMs: 600_000,
      maxBytes: 1024 * 1024,
      now: () => clock,
    });
    // The region's adapter, signing downloads for the cache (S3_DOWNLOAD_ENDPOINT).
    region = s3MediaStore({ ...s3, downloadEndpoint: cache.endpoint });
  });
  afterAll(async () => {
    await cache?.close();
    origin?.close();
    region?.close();
  });

  it("serves the second member's download from the cache, and ranges of it", async () => {
    const key = `c/g:cdn-${randomUUID()}/${randomUUID()}`;
    const bytes = new Uint8Array(5000).map((_, i) => i % 251);
    await origin.put(key, bytes, "image/webp");
    clock = Date.now();
    const first = await fetch(await region.signDownload({ key, expiresInSeconds: 60 }));
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("Miss");
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes);
    const readsAfterFirst = originReads;

    // Another member, another signed URL for the same object: from memory.
    const url = await region.signDownload({ key, expiresInSeconds: 60 });
    const second = await fetch(url);
    expect(second.headers.get("x-cache")).toBe("Hit");
    expect(second.headers.get("content-type")).toBe("image/webp");
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(bytes);
    const partial = await fetch(url, { headers: { range: "bytes=100-199" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe("bytes 100-199/5000");
    expect(new Uint8Array(await partial.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    expect(originReads).toBe(readsAfterFirst);
    expect(cache.stats()).toMatchObject({ hits: 2 });

    // A URL for an object that does not exist is not cached into existence.
    const missing = await fetch(
      await region.signDownload({ key: `${key}-missing`, expiresInSeconds: 60 }),
    );
    expect(missing.status).toBe(404);
  });

  it("refuses an expired or tampered URL, even for an object it holds", async () => {
    const key = `c/g:cdn-${randomUUID()}/${randomUUID()}`;
    await origin.put(key, new Uint8Array([1, 2, 3]), "audio/ogg");
    clock = Date.now();
    const url = await region.signDownload({ key, expiresInSeconds: 30 });
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url)).headers.get("x-cache")).toBe("Hit");

    const tampered = new URL(url);
    const signature = tampered.searchParams.get("X-Amz-Signature")!;
    tampered.searchParams.set(
      "X-Amz-Signature",
      signature.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    );
    expect((await fetch(tampered)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "604800");
    expect((await fetch(longer)).status).toBe(403);
    // Another object's path under the same signature.
    const elsewhere = new URL(url);
    elsewhere.pathname = `${elsewhere.pathname}x`;
    expect((await fetch(elsewhere)).status).toBe(403);

    clock += 31_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("expired");
  });
});
