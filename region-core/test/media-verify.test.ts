import {
  ErrorResponse,
  type Message,
  MediaDownloadTicket,
  mediaKeyPrefix,
  MediaUploadTicket,
  type RegionMediaUploadRequest,
  VerifiedMedia,
} from "@edge-chat/protocol";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import sharp from "sharp";
import { thumbHashToRGBA } from "thumbhash";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from "../src/app.ts";
import { LOCAL_S3, type MediaConfig } from "../src/config.ts";
import type { MediaStore } from "../src/media/ports.ts";
import { isReferenced } from "../src/media/references.ts";
import { s3MediaStore } from "../src/media/s3.ts";
import { sweepUploads } from "../src/media/sweeper.ts";
import { derivedKey } from "../src/media/verify/index.ts";
import { ffmpegPath, ffmpegVideoProbe } from "../src/media/verify/poster.ts";
import { createMetrics } from "../src/metrics.ts";
import { applyStep } from "../src/persister/apply.ts";
import { coalesce } from "../src/persister/coalesce.ts";
import { memoryRepositories } from "../src/repositories/memory.ts";
import type { Repositories } from "../src/repositories/ports.ts";
import { message, serviceToken, uniqueGroup } from "./fixtures.ts";
import { ffmpegMedia, gradientPng, jpegWithLocation } from "./media-files.ts";
import { embeddedTestStore, type TestStore, versitygwSettings } from "./media-stores.ts";

const services = inject("services");
let authorization: string;
let jwks: string;
let embedded: TestStore;

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  jwks = JSON.stringify({ keys: [(await exportJWK(keys.publicKey)) as JWK] });
  authorization = `Bearer ${await serviceToken(keys.privateKey)}`;
  embedded = await embeddedTestStore("verify-media");
});

afterAll(async () => {
  await embedded?.close();
});

const stores: Array<[string, () => MediaConfig["s3"]]> = [
  ["embedded store", () => embedded.settings],
  ["versitygw", () => versitygwSettings(services)],
];

describe.each(stores)("verifying uploads (%s)", (_name, settings) => {
  let store: MediaStore;
  let repositories: Repositories;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    store = s3MediaStore(settings());
    repositories = memoryRepositories();
    const binary = ffmpegPath();
    app = createApp({
      regionId: "t",
      auth: { keys: { kind: "jwks", jwks: JSON.parse(jwks) }, clockSkewSeconds: 10 },
      publisher: { publish: async () => {} },
      repositories,
      metrics: createMetrics("t"),
      media: {
        store,
        ...(binary ? { videoProbe: ffmpegVideoProbe(binary) } : {}),
        uploadTtlSeconds: 60,
        downloadTtlSeconds: 60,
      },
      accepting: () => true,
    });
  });
  afterAll(() => store?.close());

  const call = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  async function upload(
    conversationId: string,
    kind: RegionMediaUploadRequest["kind"],
    mime: string,
    bytes: Uint8Array,
    userId = "alice",
  ) {
    const res = await call("/v1/media/uploads", {
      userId,
      conversationId,
      kind,
      mime,
      size: bytes.length,
    });
    expect(res.status).toBe(201);
    const ticket = MediaUploadTicket.parse(await res.json());
    const { "content-length": _length, ...headers } = ticket.headers;
    const put = await fetch(ticket.uploadUrl, { method: "PUT", headers, body: bytes });
    expect(put.status).toBe(200);
    return ticket.objectKey;
  }

  const verify = (conversationId: string, objectKey: string, userId = "alice") =>
    call("/v1/media/verify", { userId, conversationId, objectKey });

  async function verified(conversationId: string, objectKey: string) {
    const res = await verify(conversationId, objectKey);
    expect(res.status).toBe(200);
    return VerifiedMedia.parse(await res.json());
  }

  async function download(conversationId: string, objectKey: string): Promise<Uint8Array> {
    const res = await call("/v1/media/downloads", { userId: "bob", conversationId, objectKey });
    expect(res.status).toBe(200);
    const got = await fetch(MediaDownloadTicket.parse(await res.json()).url);
    expect(got.status).toBe(200);
    return new Uint8Array(await got.arrayBuffer());
  }

  async function refused(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(ErrorResponse.parse(await res.json()).error.code).toBe(code);
  }

  it("publishes a PNG as uploaded, with a WebP thumbnail and a ThumbHash placeholder", async () => {
    const conv = uniqueGroup("png");
    const png = await gradientPng(900, 600);
    const key = await upload(conv, "image", "image/png", png);
    const media = await verified(conv, key);
    expect(media).toMatchObject({
      kind: "image",
      mime: "image/png",
      size: png.length,
      width: 900,
      height: 600,
    });
    expect(media.objectKey).toBe(derivedKey(conv, key, "published"));
    // No metadata to remove: receivers get the very bytes that were uploaded.
    expect(await download(conv, media.objectKey)).toEqual(png);
    const thumbnail = await sharp(await download(conv, media.thumbnailKey!)).metadata();
    expect(thumbnail).toMatchObject({ format: "webp", width: 320, height: 213 });
    const hash = Buffer.from(media.placeholder!, "base64");
    expect(hash.length).toBeLessThanOrEqual(25);
    // The placeholder decodes to the image's aspect ratio.
    const drawn = thumbHashToRGBA(hash);
    expect(drawn.w / drawn.h).toBeCloseTo(900 / 600, 0);
    // Verifying again gives the same answer (derived keys are stable).
    expect(await verified(conv, key)).toEqual(media);
  });

  it("sweeps a verified image never sent (copy and thumbnail) and keeps the one a stored message names", async () => {
    const conv = uniqueGroup("lifecycle");
    const unsentUpload = await upload(conv, "image", "image/png", await gradientPng(40, 30));
    const sentUpload = await upload(conv, "image", "image/png", await gradientPng(30, 40));
    const unsent = await verified(conv, unsentUpload);
    const sent = await verified(conv, sentUpload);
    const { kind: _kind, ...media } = sent;
    const stored: Message = {
      ...message(conv, 1, "alice"),
      content: { kind: "image", media: { ...media, width: sent.width!, height: sent.height! } },
    };
    // The persister stores the message (and marks its copy and thumbnail).
    const [step] = coalesce([stored], (item) => ({ type: "message", message: item }) as const);
    await applyStep(repositories, step!, store);
    expect(await isReferenced(store, sent.objectKey)).toBe(true);
    const maxAgeMs = 3600_000;
    const prefix = mediaKeyPrefix(conv);
    // Fresh, nothing goes; an hour later both raw uploads and the unsent copy and thumbnail do.
    expect(await sweepUploads({ store, prefix, maxAgeMs })).toEqual({ seen: 6, deleted: 0 });
    const later = () => Date.now() + maxAgeMs + 60_000;
    expect(await sweepUploads({ store, prefix, maxAgeMs, now: later })).toEqual({
      seen: 6,
      deleted: 4,
    });
    for (const key of [unsentUpload, sentUpload, unsent.objectKey, unsent.thumbnailKey!]) {
      expect(await store.head(key), key).toBeNull();
    }
    expect(await download(conv, sent.objectKey)).toEqual(await gradientPng(30, 40));
    expect(await store.head(sent.thumbnailKey!)).not.toBeNull();
  });

  it("strips EXIF (camera and GPS location) from what receivers download", async () => {
    const conv = uniqueGroup("exif");
    const jpeg = await jpegWithLocation(400, 300);
    const original = await sharp(jpeg).metadata();
    expect(Buffer.from(original.exif!).toString("latin1")).toContain("EdgeChatTestCam");
    const key = await upload(conv, "image", "image/jpeg", jpeg);
    const media = await verified(conv, key);
    const published = await download(conv, media.objectKey);
    expect(media.size).toBe(published.length);
    const clean = await sharp(published).metadata();
    expect(clean).toMatchObject({ format: "jpeg", width: 400, height: 300 });
    expect(clean.exif).toBeUndefined();
    expect(Buffer.from(published).toString("latin1")).not.toContain("EdgeChatTestCam");
  });

  it("refuses a .png that is really HTML, and publishes nothing", async () => {
    const conv = uniqueGroup("html");
    const html = new TextEncoder().encode("<!doctype html><script>alert(document.cookie)</script>");
    const key = await upload(conv, "image", "image/png", html);
    await refused(await verify(conv, key), 400, "invalid_request");
    expect(await store.head(derivedKey(conv, key, "published"))).toBeNull();
    expect(await store.head(derivedKey(conv, key, "thumbnail"))).toBeNull();
  });

  it("refuses a PNG declared as JPEG, and an image declared as audio", async () => {
    const conv = uniqueGroup("mislabel");
    const png = await gradientPng(20, 20);
    await refused(
      await verify(conv, await upload(conv, "image", "image/jpeg", png)),
      400,
      "invalid_request",
    );
    await refused(
      await verify(conv, await upload(conv, "audio", "audio/mpeg", png)),
      400,
      "invalid_request",
    );
  });

  it("refuses an object whose size differs from its ticket (a store that does not bind it)", async () => {
    const conv = uniqueGroup("ticket");
    const png = await gradientPng(30, 30);
    // Upload URLs from a signer that leaves the length unsigned: the PUT may then carry more bytes.
    const loose = s3MediaStore({ ...settings(), signContentLength: false });
    const looseApp = createApp({
      regionId: "t",
      auth: { keys: { kind: "jwks", jwks: JSON.parse(jwks) }, clockSkewSeconds: 10 },
      publisher: { publish: async () => {} },
      repositories,
      metrics: createMetrics("loose"),
      media: { store: loose, uploadTtlSeconds: 60, downloadTtlSeconds: 60 },
      accepting: () => true,
    });
    const res = await looseApp.request("/v1/media/uploads", {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({
        userId: "alice",
        conversationId: conv,
        kind: "image",
        mime: "image/png",
        size: png.length,
      }),
    });
    const ticket = MediaUploadTicket.parse(await res.json());
    const longer = new Uint8Array([...png, 0, 0]);
    expect(
      (await fetch(ticket.uploadUrl, { method: "PUT", headers: ticket.headers, body: longer }))
        .status,
    ).toBe(200);
    await refused(await verify(conv, ticket.objectKey), 400, "invalid_request");
    expect(await store.head(derivedKey(conv, ticket.objectKey, "published"))).toBeNull();
    loose.close();
  });

  it("answers not_found for another sender's upload, another conversation's, and one never made", async () => {
    const conv = uniqueGroup("owner");
    const other = uniqueGroup("other");
    const png = await gradientPng(10, 10);
    const bobs = await upload(conv, "image", "image/png", png, "bob");
    await refused(await verify(conv, bobs, "alice"), 404, "not_found");
    const elsewhere = await upload(other, "image", "image/png", png);
    await refused(await verify(conv, elsewhere), 404, "not_found");
    await refused(await verify(conv, elsewhere.replace(other, conv)), 404, "not_found");
    // A ticket was issued, but nothing was uploaded.
    const res = await call("/v1/media/uploads", {
      userId: "alice",
      conversationId: conv,
      kind: "image",
      mime: "image/png",
      size: 10,
    });
    const { objectKey } = MediaUploadTicket.parse(await res.json());
    await refused(await verify(conv, objectKey), 404, "not_found");
    // And no download URL is signed for it either.
    await refused(
      await call("/v1/media/downloads", { userId: "alice", conversationId: conv, objectKey }),
      404,
      "not_found",
    );
  });

  it("measures a voice note's duration (Ogg/Opus)", async () => {
    const conv = uniqueGroup("audio");
    const ogg = await ffmpegMedia("opus", 1.5);
    const media = await verified(conv, await upload(conv, "audio", "audio/ogg", ogg));
    expect(media).toMatchObject({ kind: "audio", mime: "audio/ogg", size: ogg.length });
    expect(media.durationMs).toBeGreaterThanOrEqual(1400);
    expect(media.durationMs).toBeLessThanOrEqual(1600);
    expect(await download(conv, media.objectKey)).toEqual(ogg);
  });

  it.each([
    ["webm", "video/webm"],
    ["mp4", "video/mp4"],
  ] as const)("gives a %s video its duration, size and a poster frame", async (format, mime) => {
    const conv = uniqueGroup(format);
    const video = await ffmpegMedia(format, 2);
    const media = await verified(conv, await upload(conv, "video", mime, video));
    expect(media).toMatchObject({ kind: "video", mime, width: 320, height: 240 });
    expect(media.durationMs).toBeGreaterThanOrEqual(1900);
    expect(media.durationMs).toBeLessThanOrEqual(2100);
    const poster = await sharp(await download(conv, media.posterKey!)).metadata();
    expect(poster).toMatchObject({ format: "jpeg", width: 320, height: 240 });
    expect(media.placeholder).toBeDefined();
  });
});

describe("a store that is not there", () => {
  it("answers 503 unavailable instead of a URL that cannot work", async () => {
    const store = s3MediaStore({
      endpoint: "http://127.0.0.1:1",
      awsRegion: "us-east-1",
      bucket: "verify-media",
      credentials: LOCAL_S3.credentials,
      forcePathStyle: true,
      signContentLength: true,
    });
    const app = createApp({
      regionId: "t",
      auth: { keys: { kind: "jwks", jwks: JSON.parse(jwks) }, clockSkewSeconds: 10 },
      publisher: { publish: async () => {} },
      repositories: memoryRepositories(),
      metrics: createMetrics("t"),
      media: { store, uploadTtlSeconds: 60, downloadTtlSeconds: 60 },
      accepting: () => true,
    });
    const res = await app.request("/v1/media/uploads", {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({
        userId: "alice",
        conversationId: uniqueGroup("absent"),
        kind: "image",
        mime: "image/png",
        size: 10,
      }),
    });
    expect(res.status).toBe(503);
    const body = ErrorResponse.parse(await res.json());
    expect(body.error).toMatchObject({ code: "unavailable", retriable: true });
    store.close();
  });
});
