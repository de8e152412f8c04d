// The media API over the REAL services: a region on Cassandra (media_objects) signing URLs for the
// versitygw S3 server of the harness, which verifies SigV4 signatures and expiry. Bytes go up with
// the presigned PUT and come back with the presigned GET; tampered, expired and mismatched requests
// are refused by the store itself; keys of other conversations, bad types and sizes and missing or
// forged service tokens are refused by the region.
import { randomUUID } from "node:crypto";
import {
  ErrorResponse,
  LIMITS,
  MediaDownloadTicket,
  MediaUploadTicket,
  type RegionMediaUploadRequest,
} from "@edge-chat/protocol";
import { GetObjectTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { exportJWK, generateKeyPair } from "jose";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createKafka } from "../src/events/kafka.ts";
import { s3MediaStore } from "../src/media/s3.ts";
import { type RunningRegion, startRegion } from "../src/main.ts";
import { createMetrics } from "../src/metrics.ts";
import { serviceToken, uniqueGroup } from "./fixtures.ts";
import { createKeyspace, deleteTopics, dropKeyspace, RUN, realConfig } from "./real.ts";

const services = inject("services");
const keyspace = `rc_media_${RUN}`;
const topic = `rc-media-${RUN}`;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let edgeKey: PrivateKey;
let region: RunningRegion;
let kafka: Kafka;

const s3Env = () => ({
  S3_ENDPOINT: services.s3.endpoint,
  S3_REGION: services.s3.awsRegion,
  S3_FORCE_PATH_STYLE: "true",
  MEDIA_BUCKET: services.s3.bucket,
  S3_ACCESS_KEY_ID: services.s3.accessKeyId,
  S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
});

const token = (key: PrivateKey = edgeKey) => serviceToken(key);

const s3Client = () =>
  new S3Client({
    endpoint: services.s3.endpoint,
    region: services.s3.awsRegion,
    forcePathStyle: true,
    credentials: {
      accessKeyId: services.s3.accessKeyId,
      secretAccessKey: services.s3.secretAccessKey,
    },
  });

type Fetch = (path: string, init: RequestInit) => Promise<Response>;
const overHttp: Fetch = (path, init) => fetch(`${region.url}${path}`, init);

async function call(path: string, body: unknown, auth?: string, via: Fetch = overHttp) {
  return via(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: auth ?? `Bearer ${await token()}`,
    },
    body: JSON.stringify(body),
  });
}

async function uploadTicket(request: RegionMediaUploadRequest, via?: Fetch) {
  const res = await call("/v1/media/uploads", request, undefined, via);
  expect(res.status).toBe(201);
  return MediaUploadTicket.parse(await res.json());
}

async function downloadTicket(conversationId: string, objectKey: string, via?: Fetch) {
  const res = await call(
    "/v1/media/downloads",
    { userId: "alice", conversationId, objectKey },
    undefined,
    via,
  );
  expect(res.status).toBe(200);
  return MediaDownloadTicket.parse(await res.json());
}

const put = (ticket: MediaUploadTicket, body: Uint8Array, headers = ticket.headers) => {
  // fetch sets content-length from the body itself (it is a forbidden header for callers).
  const { "content-length": _length, ...rest } = headers;
  return fetch(ticket.uploadUrl, { method: "PUT", headers: rest, body });
};

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 256);

const png = (conversationId: string, size: number): RegionMediaUploadRequest => ({
  userId: "alice",
  conversationId,
  kind: "image",
  mime: "image/png",
  size,
});

/** Waits until the wall clock is past `at` (a condition, not a fixed sleep). */
async function until(at: number): Promise<void> {
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 100));
}

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  edgeKey = keys.privateKey;
  const jwks = JSON.stringify({ keys: [await exportJWK(keys.publicKey)] });
  await createKeyspace(services, keyspace);
  kafka = createKafka({ brokers: services.kafka.brokers, clientId: `media-${RUN}` });
  region = await startRegion(
    realConfig(services, {
      regionId: "eu-west",
      dc: "dc1",
      keyspace,
      topic,
      jwks,
      env: { PERSISTER_ENABLED: "false", ...s3Env() },
    }),
  );
});

afterAll(async () => {
  await region?.stop();
  await dropKeyspace(services, keyspace);
  await deleteTopics(kafka, [topic, `${topic}.dlq`]);
});

describe("media API on Cassandra and a signature-checking S3 server", () => {
  it("uploads real bytes with the presigned PUT and reads them back with the presigned GET", async () => {
    const conv = uniqueGroup("media");
    const body = bytes(1500);
    const ticket = await uploadTicket(png(conv, body.length));
    expect(ticket.objectKey).toMatch(new RegExp(`^c/${conv}/[0-9a-f-]{36}$`));
    // Owner, conversation and size are signed in and kept with the object, for the verification.
    expect(ticket.headers).toEqual({
      "content-type": "image/png",
      "content-length": "1500",
      "x-amz-meta-owner": "alice",
      "x-amz-meta-conversation": conv,
      "x-amz-meta-size": "1500",
      "x-amz-tagging": "upload=pending",
    });
    expect(ticket.expiresAt).toBeGreaterThan(Date.now() + 200_000);
    const uploaded = await put(ticket, body);
    expect(uploaded.status).toBe(200);

    const download = await downloadTicket(conv, ticket.objectKey);
    const got = await fetch(download.url);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(body);
    // The raw upload carries the lifecycle tag that expires it (the published copy will not).
    const tags = await s3Client().send(
      new GetObjectTaggingCommand({ Bucket: services.s3.bucket, Key: ticket.objectKey }),
    );
    expect(tags.TagSet).toEqual([{ Key: "upload", Value: "pending" }]);
    // The row the upload was recorded with.
    expect(await region.repositories.mediaObjects.get(ticket.objectKey)).toMatchObject({
      ownerId: "alice",
      conversationId: conv,
      mime: "image/png",
      size: 1500,
    });
  });

  it("refuses tampered URLs: another key, or a changed signature", async () => {
    const conv = uniqueGroup("tamper");
    const ticket = await uploadTicket(png(conv, 10));
    const otherKey = new URL(ticket.uploadUrl);
    otherKey.pathname = otherKey.pathname.replace(/[0-9a-f-]{36}$/, randomUUID());
    expect((await put({ ...ticket, uploadUrl: otherKey.href }, bytes(10))).status).toBe(403);
    const badSignature = new URL(ticket.uploadUrl);
    const sig = badSignature.searchParams.get("X-Amz-Signature")!;
    badSignature.searchParams.set(
      "X-Amz-Signature",
      sig.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    );
    expect((await put({ ...ticket, uploadUrl: badSignature.href }, bytes(10))).status).toBe(403);

    expect((await put(ticket, bytes(10))).status).toBe(200);
    const download = new URL((await downloadTicket(conv, ticket.objectKey)).url);
    download.pathname = download.pathname.replace(/[0-9a-f-]{36}$/, randomUUID());
    expect((await fetch(download)).status).toBe(403);
    const longer = new URL((await downloadTicket(conv, ticket.objectKey)).url);
    longer.searchParams.set("X-Amz-Expires", "86400");
    expect((await fetch(longer)).status).toBe(403);
  });

  it("refuses a PUT with another content type or another length than signed", async () => {
    const conv = uniqueGroup("mismatch");
    const ticket = await uploadTicket(png(conv, 64));
    const asJpeg = await put(ticket, bytes(64), { "content-type": "image/jpeg" });
    expect(asJpeg.status).toBe(403);
    const asHtml = await put(ticket, bytes(64), { "content-type": "text/html" });
    expect(asHtml.status).toBe(403);
    expect((await put(ticket, bytes(65))).status).toBe(403);
    expect((await put(ticket, bytes(63))).status).toBe(403);
    // Nothing was stored by the refused attempts, so no download URL is signed for it.
    const refused = await call("/v1/media/downloads", {
      userId: "alice",
      conversationId: conv,
      objectKey: ticket.objectKey,
    });
    expect(refused.status).toBe(404);
    expect((await put(ticket, bytes(64))).status).toBe(200);
  });

  it("refuses URLs once they expire (1 s lifetime)", async () => {
    const conv = uniqueGroup("expiry");
    const stored = await uploadTicket(png(conv, 8));
    expect((await put(stored, bytes(8))).status).toBe(200);
    // The same region's repositories, with URLs that live one second.
    const { media } = realConfig(services, {
      regionId: "eu-west",
      dc: "dc1",
      keyspace,
      topic,
      env: s3Env(),
    });
    const shortLived = createApp({
      regionId: "eu-west",
      auth: region.config.auth,
      publisher: { publish: async () => {} },
      repositories: region.repositories,
      metrics: createMetrics("short"),
      media: { store: s3MediaStore(media.s3), uploadTtlSeconds: 1, downloadTtlSeconds: 1 },
      accepting: () => true,
    });
    const via: Fetch = async (path, init) => shortLived.request(path, init);
    const upload = await uploadTicket(png(conv, 8), via);
    const download = await downloadTicket(conv, stored.objectKey, via);
    expect(upload.expiresAt).toBeLessThanOrEqual(Date.now() + 1000);
    // SigV4 dates have whole seconds: one more second and both are certainly past their lifetime.
    await until(Math.max(upload.expiresAt, download.expiresAt) + 1000);
    expect((await put(upload, bytes(8))).status).toBe(403);
    expect((await fetch(download.url)).status).toBe(403);
    // A fresh URL for the same object still works: the object is fine, only the URL expired.
    expect((await fetch((await downloadTicket(conv, stored.objectKey)).url)).status).toBe(200);
  });

  it("answers 404 for a key of another conversation or one never issued", async () => {
    const conv = uniqueGroup("mine");
    const other = uniqueGroup("theirs");
    const theirs = await uploadTicket(png(other, 4));
    expect((await put(theirs, bytes(4))).status).toBe(200);
    for (const objectKey of [
      theirs.objectKey,
      theirs.objectKey.replace(other, conv),
      `c/${conv}/${randomUUID()}`,
      `c/${conv}/../${theirs.objectKey}`,
    ]) {
      const res = await call("/v1/media/downloads", {
        userId: "alice",
        conversationId: conv,
        objectKey,
      });
      expect(res.status).toBe(404);
      expect(ErrorResponse.parse(await res.json()).error.code).toBe("not_found");
    }
  });

  it("refuses a type of another kind with 400 and an oversized object with 413", async () => {
    const conv = uniqueGroup("limits");
    const cases = [
      [{ ...png(conv, 10), mime: "video/mp4" }, 400, "invalid_request"],
      [{ ...png(conv, 10), mime: "image/svg+xml" }, 400, "invalid_request"],
      [{ ...png(conv, 10), kind: "audio" }, 400, "invalid_request"],
      [png(conv, LIMITS.maxMediaBytes.image + 1), 413, "content_too_large"],
      [{ ...png(conv, 10), kind: "sticker" }, 400, "invalid_request"],
      [{ ...png(conv, 10), conversationId: "not-an-id" }, 400, "invalid_request"],
    ] as const;
    for (const [body, status, code] of cases) {
      const res = await call("/v1/media/uploads", body);
      expect(res.status).toBe(status);
      expect(ErrorResponse.parse(await res.json()).error.code).toBe(code);
    }
    const video = await uploadTicket({
      ...png(conv, LIMITS.maxMediaBytes.video),
      kind: "video",
      mime: "video/mp4",
    });
    expect(video.headers["content-length"]).toBe(String(LIMITS.maxMediaBytes.video));
  });

  it("answers 401 without a service token or with a forged one", async () => {
    const conv = uniqueGroup("auth");
    const forger = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    for (const auth of ["", "Bearer nonsense", `Bearer ${await token(forger.privateKey)}`]) {
      for (const [path, body] of [
        ["/v1/media/uploads", png(conv, 10)],
        [
          "/v1/media/downloads",
          { userId: "alice", conversationId: conv, objectKey: `c/${conv}/${randomUUID()}` },
        ],
      ] as const) {
        const res = await call(path, body, auth);
        expect(res.status).toBe(401);
        expect(ErrorResponse.parse(await res.json()).error.code).toBe("unauthenticated");
      }
    }
  });
});
