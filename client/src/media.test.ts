import { LIMITS, type MediaUploadTicket, type VerifiedMedia } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { ChatClient } from "./client.ts";
import type { MediaContent } from "./media.ts";
import { fakeFetch, fakeWebSockets, type FakeRequest } from "./test-support/fakes.ts";

const conv = "d:alice:bob";
const key = `c/${conv}/0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31`;
const uploadUrl = "http://s3.test/media/c/d%3Aalice%3Abob/0b8e?X-Amz-Signature=abc";

function ticket(size: number, mime = "image/png"): MediaUploadTicket {
  return {
    objectKey: key,
    uploadUrl,
    method: "PUT",
    headers: { "content-type": mime, "content-length": String(size) },
    expiresAt: 1,
  };
}

function clientWith(handler: (r: FakeRequest) => [number, unknown]) {
  const { fetchImpl, requests } = fakeFetch(handler);
  const client = new ChatClient({
    baseUrl: "http://edge.test",
    getToken: async () => "tok",
    fetchImpl,
    WebSocketImpl: fakeWebSockets().WebSocketImpl,
  });
  return { client, requests };
}

const published = `c/${conv}/1c9f8b63-4a5d-4e2f-8b88-3d6c2a1f0e42`;
const thumb = `c/${conv}/2c9f8b63-4a5d-4e2f-8b88-3d6c2a1f0e42`;

function verified(size: number, over: Partial<VerifiedMedia> = {}): VerifiedMedia {
  return {
    objectKey: published,
    kind: "image",
    mime: "image/png",
    size,
    width: 3,
    height: 2,
    thumbnailKey: thumb,
    placeholder: "1QcSHQRnh493V4dIh4eXh1h4kJUI",
    ...over,
  };
}

/** The edge and the store as the SDK meets them: ticket, PUT, verification. */
const flow =
  (size: number, mime = "image/png", answer: VerifiedMedia = verified(size)) =>
  (r: FakeRequest): [number, unknown] => {
    if (r.url.startsWith("http://s3.test/")) return [200, undefined];
    if (r.path.endsWith("/media/verify")) return [200, answer];
    return [201, ticket(size, mime)];
  };

describe("uploadMedia", () => {
  it("gets a ticket, PUTs the bytes with the signed headers, has them verified, returns the content", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const { client, requests } = clientWith(flow(5));
    const progress: Array<[number, number]> = [];
    const content: MediaContent<"image"> = await client.uploadMedia(
      conv,
      { kind: "image", mime: "image/png", data: bytes },
      { onProgress: (sent, total) => progress.push([sent, total]) },
    );
    // The message names the published object, with what the region measured and made.
    expect(content).toEqual({
      kind: "image",
      media: {
        objectKey: published,
        mime: "image/png",
        size: 5,
        width: 3,
        height: 2,
        thumbnailKey: thumb,
        placeholder: "1QcSHQRnh493V4dIh4eXh1h4kJUI",
      },
    });
    expect(progress).toEqual([[5, 5]]);
    expect(requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/conversations/d:alice:bob/media",
      body: { kind: "image", mime: "image/png", size: 5 },
    });
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer tok");
    const put = requests[1]!;
    expect(put.url).toBe(uploadUrl);
    expect(put.method).toBe("PUT");
    expect(put.rawBody).toBe(bytes);
    expect(put.headers.get("content-type")).toBe("image/png");
    // fetch derives content-length from the body; the token never goes to storage.
    expect(put.headers.has("content-length")).toBe(false);
    expect(put.headers.has("authorization")).toBe(false);
    expect(requests[2]).toMatchObject({
      method: "POST",
      path: "/v1/conversations/d:alice:bob/media/verify",
      body: { objectKey: key },
    });
  });

  it("takes the size of a Blob, and a video's dimensions from the caller when the region has none", async () => {
    const blob = new Blob([new Uint8Array(1000)], { type: "video/webm" });
    const video = {
      objectKey: published,
      kind: "video",
      mime: "video/webm",
      size: 1000,
      durationMs: 1500,
    } as const;
    const { client, requests } = clientWith(flow(1000, "video/webm", video));
    const content = await client.uploadMedia(conv, {
      kind: "video",
      mime: "video/webm",
      data: blob,
      width: 640,
      height: 360,
      durationMs: 99,
    });
    const { kind: _kind, ...measured } = video;
    expect(content.media).toEqual({ ...measured, width: 640, height: 360 });
    expect(requests[0]!.body).toEqual({ kind: "video", mime: "video/webm", size: 1000 });
    expect(requests[1]!.rawBody).toBe(blob);
  });

  it("uses the given uploader (e.g. one with progress events)", async () => {
    const { client, requests } = clientWith(flow(4));
    const seen: string[] = [];
    await client.uploadMedia(
      conv,
      { kind: "image", mime: "image/png", data: new Uint8Array(4) },
      {
        uploader: async ({ url, headers, onProgress }) => {
          seen.push(url, headers["content-type"]!);
          onProgress?.(2, 4);
          return { ok: true, status: 200 };
        },
      },
    );
    expect(seen).toEqual([uploadUrl, "image/png"]);
    expect(requests.map((r) => r.path)).toEqual([
      "/v1/conversations/d:alice:bob/media",
      "/v1/conversations/d:alice:bob/media/verify",
    ]);
  });

  it("refuses bad types and sizes before any request", async () => {
    const { client, requests } = clientWith(() => [500, undefined]);
    const data = new Uint8Array(4);
    await expect(
      client.uploadMedia(conv, { kind: "image", mime: "image/svg+xml", data }),
    ).rejects.toMatchObject({ code: "invalid_request" });
    const big = new Blob([new Uint8Array(LIMITS.maxMediaBytes.audio + 1)]);
    await expect(
      client.uploadMedia(conv, { kind: "audio", mime: "audio/ogg", data: big }),
    ).rejects.toMatchObject({ code: "content_too_large" });
    await expect(
      client.uploadMedia(conv, { kind: "image", mime: "image/png", data: new Uint8Array() }),
    ).rejects.toMatchObject({ code: "invalid_request" });
    expect(requests).toEqual([]);
  });

  it("passes the edge's refusals on, and reports a refused PUT as retriable", async () => {
    const data = new Uint8Array(4);
    const image = { kind: "image", mime: "image/png", data } as const;
    const notMember = clientWith(() => [
      404,
      { error: { code: "not_found", message: "conversation not found", retriable: false } },
    ]);
    await expect(notMember.client.uploadMedia(conv, image)).rejects.toMatchObject({
      code: "not_found",
    });
    expect(notMember.requests).toHaveLength(1);
    const expired = clientWith((r) =>
      r.url.startsWith("http://s3.test/") ? [403, undefined] : [201, ticket(4)],
    );
    const error = await expired.client.uploadMedia(conv, image).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unavailable", retriable: true });
    const notAnImage = clientWith((r) =>
      r.path.endsWith("/verify")
        ? [
            400,
            {
              error: {
                code: "invalid_request",
                message: "the bytes are not image/png",
                retriable: false,
              },
            },
          ]
        : flow(4)(r),
    );
    await expect(notAnImage.client.uploadMedia(conv, image)).rejects.toMatchObject({
      code: "invalid_request",
    });
  });
});

describe("mediaUrl", () => {
  it("asks the edge for a JSON download ticket for the (encoded) key and returns its URL", async () => {
    const url = "http://s3.test/media/x?X-Amz-Signature=def";
    const { client, requests } = clientWith(() => [200, { objectKey: key, url, expiresAt: 9 }]);
    await expect(client.mediaUrl(conv, key)).resolves.toBe(url);
    expect(requests[0]).toMatchObject({
      method: "GET",
      path: `/v1/conversations/${conv}/media/${key}`,
    });
    expect(requests[0]!.headers.get("accept")).toBe("application/json");
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer tok");
  });
});
