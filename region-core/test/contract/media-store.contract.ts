// The object-store contract: what the media API relies on from a store, run against the embedded
// store of `npm start` and against the harness's versitygw (a real S3 server), both through the one
// S3 adapter. Presigned URLs are exercised with plain fetch, as a browser would use them.
import { randomUUID } from "node:crypto";
import { ChatError } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import type { MediaStore } from "../../src/media/ports.ts";
import { markReferenced, PUBLISHED, referenceKey } from "../../src/media/references.ts";
import { sweepUploads } from "../../src/media/sweeper.ts";
import { uploadMetadata } from "../../src/media/verify/index.ts";

export interface StoreFactory {
  /** A store on a reachable server. */
  store(): MediaStore;
  /** The same store's settings, but aimed at an address where nothing listens. */
  absent(): MediaStore;
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) % 256);
const key = () => `c/contract/${randomUUID()}`;

/** fetch sets content-length itself (a forbidden header for callers). */
const putWith = (url: string, headers: Record<string, string>, body: Uint8Array) => {
  const { "content-length": _length, ...rest } = headers;
  return fetch(url, { method: "PUT", headers: rest, body });
};

const SWEEP_AGE_MS = 3600_000;
/** A sweep as seen a little more than the age later: everything written so far is too old. */
const sweepLater = (store: MediaStore, prefix: string) =>
  sweepUploads({
    store,
    prefix,
    maxAgeMs: SWEEP_AGE_MS,
    now: () => Date.now() + SWEEP_AGE_MS + 60_000,
  });

/** Waits until the wall clock is past `at` (a condition, not a fixed sleep). */
async function until(at: number): Promise<void> {
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 100));
}

export function mediaStoreContract(name: string, factory: () => StoreFactory): void {
  describe(`media store contract: ${name}`, () => {
    it("round-trips bytes through a presigned PUT and GET, and reports size and type", async () => {
      const store = factory().store();
      const k = key();
      const body = bytes(3000);
      await store.checkReachable();
      const up = await store.signUpload({
        key: k,
        mime: "image/png",
        size: body.length,
        expiresInSeconds: 60,
      });
      expect((await putWith(up.url, up.headers, body)).status).toBe(200);
      expect(await store.head(k)).toEqual({ size: 3000, contentType: "image/png", metadata: {} });
      const url = await store.signDownload({ key: k, expiresInSeconds: 60 });
      const got = await fetch(url);
      expect(got.status).toBe(200);
      expect(got.headers.get("content-type")).toBe("image/png");
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(body);
      expect(await store.read(k)).toEqual(body);
      store.close();
    });

    it("keeps the metadata signed into an upload URL, and refuses other values", async () => {
      const store = factory().store();
      const k = key();
      const body = bytes(20);
      const up = await store.signUpload({
        key: k,
        mime: "audio/ogg",
        size: body.length,
        metadata: { owner: "alice", conversation: "g:x" },
        expiresInSeconds: 60,
      });
      expect(up.headers).toMatchObject({
        "x-amz-meta-owner": "alice",
        "x-amz-meta-conversation": "g:x",
      });
      const forged = await putWith(up.url, { ...up.headers, "x-amz-meta-owner": "bob" }, body);
      expect(forged.status).toBe(403);
      const { "x-amz-meta-owner": _owner, ...withoutOwner } = up.headers;
      expect((await putWith(up.url, withoutOwner, body)).status).toBe(403);
      expect((await putWith(up.url, up.headers, body)).status).toBe(200);
      expect(await store.head(k)).toEqual({
        size: 20,
        contentType: "audio/ogg",
        metadata: { owner: "alice", conversation: "g:x" },
      });
      store.close();
    });

    it("serves byte ranges of a presigned GET", async () => {
      const store = factory().store();
      const k = key();
      await store.put(k, bytes(100), "audio/ogg");
      const url = await store.signDownload({ key: k, expiresInSeconds: 60 });
      const got = await fetch(url, { headers: { range: "bytes=10-19" } });
      expect(got.status).toBe(206);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes(100).slice(10, 20));
      store.close();
    });

    it("refuses a PUT whose content type or length differs from the signed one", async () => {
      const store = factory().store();
      const k = key();
      const up = await store.signUpload({
        key: k,
        mime: "image/png",
        size: 100,
        expiresInSeconds: 60,
      });
      const wrongType = await putWith(
        up.url,
        { ...up.headers, "content-type": "text/html" },
        bytes(100),
      );
      expect(wrongType.status).toBe(403);
      const wrongLength = await putWith(up.url, up.headers, bytes(101));
      expect(wrongLength.status).toBe(403);
      expect(await store.head(k)).toBeNull();
      store.close();
    });

    it("refuses tampered URLs: another key, another signature", async () => {
      const store = factory().store();
      const k = key();
      await store.put(k, bytes(10), "image/png");
      const url = new URL(await store.signDownload({ key: k, expiresInSeconds: 60 }));
      const otherKey = new URL(url);
      otherKey.pathname = otherKey.pathname.replace(/[^/]+$/, randomUUID());
      expect((await fetch(otherKey)).status).toBe(403);
      const forged = new URL(url);
      const signature = forged.searchParams.get("X-Amz-Signature")!;
      forged.searchParams.set(
        "X-Amz-Signature",
        `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`,
      );
      expect((await fetch(forged)).status).toBe(403);
      const longer = new URL(url);
      longer.searchParams.set("X-Amz-Expires", "604800");
      expect((await fetch(longer)).status).toBe(403);
      store.close();
    });

    it("refuses a presigned URL once it has expired", async () => {
      const store = factory().store();
      const k = key();
      await store.put(k, bytes(10), "image/png");
      const url = await store.signDownload({ key: k, expiresInSeconds: 1 });
      const signedAt = Date.now();
      // Signed times have second resolution: wait until 1 s past the end of the signing second.
      await until(Math.ceil(signedAt / 1000) * 1000 + 2000);
      expect((await fetch(url)).status).toBe(403);
      store.close();
    });

    it("answers null for a missing object, and deletes", async () => {
      const store = factory().store();
      const k = key();
      expect(await store.head(k)).toBeNull();
      expect(await store.read(k)).toBeNull();
      await store.put(k, bytes(5), "video/mp4");
      expect(await store.head(k)).toEqual({ size: 5, contentType: "video/mp4", metadata: {} });
      await store.delete(k);
      expect(await store.head(k)).toBeNull();
      store.close();
    });

    it("lists the objects under a prefix in key order, page by page", async () => {
      const store = factory().store();
      const prefix = `c/list-${randomUUID()}/`;
      const keys = ["a", "b", "c", "d", "e"].map((k) => `${prefix}${k}`);
      for (const k of keys.toReversed()) await store.put(k, bytes(3), "image/png");
      await store.put(`c/other-${randomUUID()}/a`, bytes(3), "image/png");
      const seen: string[] = [];
      let next: string | undefined;
      do {
        const page = await store.list({ prefix, limit: 2, ...(next ? { next } : {}) });
        expect(page.objects.length).toBeLessThanOrEqual(2);
        for (const o of page.objects) {
          expect(o.size).toBe(3);
          expect(Math.abs(o.lastModified - Date.now())).toBeLessThan(10 * 60_000);
        }
        seen.push(...page.objects.map((o) => o.key));
        next = page.next;
      } while (next);
      expect(seen).toEqual(keys);
      store.close();
    });

    it("sweeps raw uploads older than the age, keeping the region's objects and fresh uploads", async () => {
      const store = factory().store();
      const prefix = `c/sweep-${randomUUID()}/`;
      const upload = async (k: string) => {
        const body = bytes(10);
        const up = await store.signUpload({
          key: k,
          mime: "image/png",
          size: body.length,
          metadata: uploadMetadata({ userId: "alice", conversationId: "g:x", size: body.length }),
          expiresInSeconds: 60,
        });
        expect((await putWith(up.url, up.headers, body)).status).toBe(200);
      };
      await upload(`${prefix}abandoned`);
      await store.put(`${prefix}published`, bytes(10), "image/png");
      // As seen an hour later: the upload is too old; a region object without published
      // metadata (older than reference marks) stays.
      expect(await sweepLater(store, prefix)).toEqual({ seen: 2, deleted: 1 });
      expect(await store.head(`${prefix}abandoned`)).toBeNull();
      expect(await store.head(`${prefix}published`)).not.toBeNull();
      // A fresh upload is left for its owner to verify.
      await upload(`${prefix}fresh`);
      expect(await sweepUploads({ store, prefix, maxAgeMs: SWEEP_AGE_MS })).toEqual({
        seen: 2,
        deleted: 0,
      });
      expect(await store.head(`${prefix}fresh`)).not.toBeNull();
      store.close();
    });

    it("sweeps published copies no message references once older than the age, with their thumbnails", async () => {
      const store = factory().store();
      const prefix = `c/sweep-${randomUUID()}/`;
      const publish = async (name: string) => {
        await store.put(`${prefix}${name}`, bytes(10), "image/png", PUBLISHED);
        await store.put(`${prefix}${name}-thumb`, bytes(4), "image/webp", PUBLISHED);
        return [`${prefix}${name}`, `${prefix}${name}-thumb`];
      };
      const unsent = await publish("unsent");
      expect((await store.head(unsent[0]!))?.metadata).toEqual({ ...PUBLISHED });
      const sent = await publish("sent");
      await markReferenced(store, sent);
      expect(await store.head(referenceKey(sent[0]!))).toMatchObject({ size: 0 });
      // Written before marks existed (no PUBLISHED metadata): never swept as unreferenced.
      await store.put(`${prefix}legacy`, bytes(10), "image/png");
      // Fresh: nothing goes, marked or not.
      const fresh = await sweepUploads({ store, prefix, maxAgeMs: SWEEP_AGE_MS });
      expect(fresh).toEqual({ seen: 5, deleted: 0 });
      for (const k of unsent) expect(await store.head(k), k).not.toBeNull();
      // An hour later: the unsent copy and its thumbnail go; the sent ones and the legacy stay.
      expect(await sweepLater(store, prefix)).toEqual({ seen: 5, deleted: 2 });
      for (const k of unsent) expect(await store.head(k), k).toBeNull();
      for (const k of [...sent, `${prefix}legacy`]) expect(await store.head(k), k).not.toBeNull();
      store.close();
    });

    it("throws unavailable when the store is not there", async () => {
      const store = factory().absent();
      await expect(store.checkReachable()).rejects.toMatchObject({ code: "unavailable" });
      await expect(store.head(key())).rejects.toBeInstanceOf(ChatError);
      await expect(store.put(key(), bytes(1), "image/png")).rejects.toMatchObject({
        code: "unavailable",
      });
      store.close();
    });
  });
}
