import { LIMITS, type MediaUploadTicket } from "@edge-chat/protocol";
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

describe("uploadMedia", () => {
  it("gets a ticket from the edge, PUTs the bytes with the signed headers, returns the content", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const { client, requests } = clientWith((r) =>
      r.url.startsWith("http://s3.test/") ? [200, undefined] : [201, ticket(5)],
    );
    const content: MediaContent<"image"> = await client.uploadMedia(conv, {
      kind: "image",
      mime: "image/png",
      data: bytes,
      width: 3,
      height: 2,
    });
    expect(content).toEqual({
      kind: "image",
      media: { objectKey: key, mime: "image/png", size: 5, width: 3, height: 2 },
    });
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
  });

  it("takes the size of a Blob and keeps duration and thumbnail for video", async () => {
    const blob = new Blob([new Uint8Array(1000)], { type: "video/mp4" });
    const { client, requests } = clientWith((r) =>
      r.url.startsWith("http://s3.test/") ? [200, undefined] : [201, ticket(1000, "video/mp4")],
    );
    const content = await client.uploadMedia(conv, {
      kind: "video",
      mime: "video/mp4",
      data: blob,
      width: 640,
      height: 360,
      durationMs: 1500,
      thumbnailKey: key,
    });
    expect(content.media).toMatchObject({ size: 1000, durationMs: 1500, thumbnailKey: key });
    expect(requests[0]!.body).toEqual({ kind: "video", mime: "video/mp4", size: 1000 });
    expect(requests[1]!.rawBody).toBe(blob);
  });

  it("refuses bad types, sizes and dimensions before any request", async () => {
    const { client, requests } = clientWith(() => [500, undefined]);
    const data = new Uint8Array(4);
    await expect(
      client.uploadMedia(conv, { kind: "image", mime: "image/svg+xml", data, width: 1, height: 1 }),
    ).rejects.toMatchObject({ code: "invalid_request" });
    const big = new Blob([new Uint8Array(LIMITS.maxMediaBytes.audio + 1)]);
    await expect(
      client.uploadMedia(conv, { kind: "audio", mime: "audio/ogg", data: big, durationMs: 5 }),
    ).rejects.toMatchObject({ code: "content_too_large" });
    await expect(
      client.uploadMedia(conv, { kind: "image", mime: "image/png", data, width: 0, height: 1 }),
    ).rejects.toMatchObject({ code: "invalid_request" });
    expect(requests).toEqual([]);
  });

  it("passes the edge's refusal on, and reports a refused PUT as retriable", async () => {
    const data = new Uint8Array(4);
    const image = { kind: "image", mime: "image/png", data, width: 1, height: 1 } as const;
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
