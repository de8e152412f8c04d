import { ChatError, type UserContent, type VerifiedMedia } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { type VerifiedRecord, verifyMediaMessage } from "./media.ts";

const conv = "d:alice:bob";
const own = (id = "0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31") => `c/${conv}/${id}`;
const thumb = own("1c9f8b63-4a5d-4e2f-8b88-3d6c2a1f0e42");

const verifiedImage: VerifiedMedia = {
  objectKey: own(),
  kind: "image",
  mime: "image/png",
  size: 10,
  width: 640,
  height: 480,
  thumbnailKey: thumb,
  placeholder: "1QcSHQRnh493V4dIh4eXh1h4kJUI",
};

const image = (
  over: Partial<Extract<UserContent, { kind: "image" }>["media"]> = {},
): UserContent => ({
  kind: "image",
  media: { objectKey: own(), mime: "image/png", size: 10, width: 2, height: 2, ...over },
});

function lookup(records: Record<string, VerifiedRecord>) {
  return { get: (key: string) => records[key] ?? null };
}
const aliceVerified = lookup({ [own()]: { ownerId: "alice", media: verifiedImage } });

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ChatError ? error.code : "not a ChatError";
  }
}

describe("verifyMediaMessage", () => {
  it("refuses a verification older than the allowed age, whose copy the region may have swept", () => {
    const at = lookup({
      [own()]: { ownerId: "alice", media: verifiedImage, verifiedAt: 1_000 },
    });
    const fresh = { now: 1_000 + 60_000, maxAgeMs: 60_000 };
    expect(codeOf(() => verifyMediaMessage(conv, "alice", image(), at, fresh))).toBeUndefined();
    const stale = { now: 1_000 + 60_001, maxAgeMs: 60_000 };
    expect(codeOf(() => verifyMediaMessage(conv, "alice", image(), at, stale))).toBe(
      "invalid_request",
    );
  });

  it("lets text through untouched", () => {
    const text: UserContent = { kind: "text", text: "hi" };
    expect(verifyMediaMessage(conv, "alice", text, lookup({}))).toBe(text);
  });

  it("takes the region's derived fields over the client's", () => {
    const sent = image({
      thumbnailKey: own("2c9f8b63-4a5d-4e2f-8b88-3d6c2a1f0e42"),
      placeholder: "AAAA",
    });
    const stored = verifyMediaMessage(conv, "alice", sent, aliceVerified);
    expect(stored).toEqual({
      kind: "image",
      media: {
        objectKey: own(),
        mime: "image/png",
        size: 10,
        width: 640,
        height: 480,
        thumbnailKey: thumb,
        placeholder: verifiedImage.placeholder,
      },
    });
  });

  it("keeps a video's dimensions from the client when the region could make no poster", () => {
    const video: VerifiedMedia = {
      objectKey: own(),
      kind: "video",
      mime: "video/webm",
      size: 5,
      durationMs: 2000,
    };
    const sent: UserContent = {
      kind: "video",
      media: {
        objectKey: own(),
        mime: "video/webm",
        size: 5,
        width: 320,
        height: 240,
        durationMs: 9,
      },
    };
    const stored = verifyMediaMessage(
      conv,
      "alice",
      sent,
      lookup({ [own()]: { ownerId: "alice", media: video } }),
    );
    expect(stored).toMatchObject({ media: { width: 320, height: 240, durationMs: 2000 } });
  });

  it("refuses an unverified object, another sender's, and a mismatched size, type or kind", () => {
    expect(codeOf(() => verifyMediaMessage(conv, "alice", image(), lookup({})))).toBe(
      "invalid_request",
    );
    expect(codeOf(() => verifyMediaMessage(conv, "bob", image(), aliceVerified))).toBe(
      "invalid_request",
    );
    expect(
      codeOf(() => verifyMediaMessage(conv, "alice", image({ size: 11 }), aliceVerified)),
    ).toBe("invalid_request");
    expect(
      codeOf(() => verifyMediaMessage(conv, "alice", image({ mime: "image/jpeg" }), aliceVerified)),
    ).toBe("invalid_request");
    const asAudio: UserContent = {
      kind: "audio",
      media: { objectKey: own(), mime: "image/png", size: 10, durationMs: 5 },
    };
    expect(codeOf(() => verifyMediaMessage(conv, "alice", asAudio, aliceVerified))).toBe(
      "invalid_request",
    );
  });

  it("refuses an object key outside the conversation's prefix", () => {
    const foreign = "c/d:alice:carol/0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31";
    const records = lookup({
      [foreign]: { ownerId: "alice", media: { ...verifiedImage, objectKey: foreign } },
    });
    expect(
      codeOf(() => verifyMediaMessage(conv, "alice", image({ objectKey: foreign }), records)),
    ).toBe("invalid_request");
    expect(
      codeOf(() =>
        verifyMediaMessage(conv, "alice", image({ objectKey: `${own()}/../x` }), aliceVerified),
      ),
    ).toBe("invalid_request");
  });
});
