import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits.ts";
import {
  isMediaKeyOf,
  MediaUploadTicket,
  mediaObjectKey,
  mediaUploadProblem,
  RegionMediaUploadRequest,
} from "./media.ts";

const id = "0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31";

describe("media object keys", () => {
  it("accepts exactly c/<conversationId>/<uuid> of the same conversation", () => {
    expect(mediaObjectKey("d:alice:bob", id)).toBe(`c/d:alice:bob/${id}`);
    expect(isMediaKeyOf("d:alice:bob", `c/d:alice:bob/${id}`)).toBe(true);
    expect(isMediaKeyOf("g:abc", `c/g:abc/${id}`)).toBe(true);
  });

  it("refuses other conversations, prefixes of ids, and anything after the prefix but a uuid", () => {
    expect(isMediaKeyOf("d:alice:bob", `c/d:alice:carol/${id}`)).toBe(false);
    // g:ab is a prefix of g:abc: the separator keeps them apart.
    expect(isMediaKeyOf("g:ab", `c/g:abc/${id}`)).toBe(false);
    expect(isMediaKeyOf("g:abc", `c/g:abc/../g:other/${id}`)).toBe(false);
    expect(isMediaKeyOf("g:abc", `c/g:abc/${id}/x`)).toBe(false);
    expect(isMediaKeyOf("g:abc", `c/g:abc/${id.toUpperCase()}`)).toBe(false);
    expect(isMediaKeyOf("g:abc", `g:abc/${id}`)).toBe(false);
    expect(isMediaKeyOf("g:abc", "c/g:abc/")).toBe(false);
  });
});

describe("mediaUploadProblem", () => {
  it("allows a listed type within the kind's limit", () => {
    expect(mediaUploadProblem({ kind: "image", mime: "image/png", size: 1 })).toBeNull();
    expect(
      mediaUploadProblem({ kind: "video", mime: "video/mp4", size: LIMITS.maxMediaBytes.video }),
    ).toBeNull();
  });

  it("refuses a type of another kind or an unlisted one with invalid_request", () => {
    expect(mediaUploadProblem({ kind: "image", mime: "video/mp4", size: 1 })?.code).toBe(
      "invalid_request",
    );
    expect(mediaUploadProblem({ kind: "image", mime: "image/svg+xml", size: 1 })?.code).toBe(
      "invalid_request",
    );
  });

  it("refuses more than the kind's limit with content_too_large", () => {
    const problem = mediaUploadProblem({
      kind: "audio",
      mime: "audio/ogg",
      size: LIMITS.maxMediaBytes.audio + 1,
    });
    expect(problem?.code).toBe("content_too_large");
    expect(problem?.status).toBe(413);
  });
});

describe("media bodies", () => {
  it("parse the region request and the ticket", () => {
    expect(
      RegionMediaUploadRequest.parse({
        userId: "alice",
        conversationId: "d:alice:bob",
        kind: "image",
        mime: "image/png",
        size: 10,
      }).kind,
    ).toBe("image");
    expect(() =>
      RegionMediaUploadRequest.parse({ userId: "alice", conversationId: "x", kind: "image" }),
    ).toThrow();
    const ticket = {
      objectKey: `c/d:alice:bob/${id}`,
      uploadUrl: "http://127.0.0.1:19000/b/k?X-Amz-Signature=1",
      method: "PUT",
      headers: { "content-type": "image/png" },
      expiresAt: 1,
    };
    expect(MediaUploadTicket.parse(ticket)).toEqual(ticket);
    expect(() => MediaUploadTicket.parse({ ...ticket, method: "POST" })).toThrow();
  });
});
