import { ChatError, type UserContent } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { checkMediaKeys } from "./media.ts";

const conv = "d:alice:bob";
const own = (id = "0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31") => `c/${conv}/${id}`;
const image = (objectKey: string, thumbnailKey?: string): UserContent => ({
  kind: "image",
  media: {
    objectKey,
    mime: "image/png",
    size: 10,
    width: 2,
    height: 2,
    ...(thumbnailKey === undefined ? {} : { thumbnailKey }),
  },
});

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ChatError ? error.code : "not a ChatError";
  }
}

describe("checkMediaKeys", () => {
  it("lets text and media of this conversation through", () => {
    expect(codeOf(() => checkMediaKeys(conv, { kind: "text", text: "hi" }))).toBeUndefined();
    expect(codeOf(() => checkMediaKeys(conv, image(own())))).toBeUndefined();
    const audio: UserContent = {
      kind: "audio",
      media: { objectKey: own(), mime: "audio/ogg", size: 3, durationMs: 10 },
    };
    expect(codeOf(() => checkMediaKeys(conv, audio))).toBeUndefined();
    const video: UserContent = {
      kind: "video",
      media: {
        objectKey: own(),
        thumbnailKey: own("1c9f8b63-4a5d-4e2f-8b88-3d6c2a1f0e42"),
        mime: "video/mp4",
        size: 3,
        width: 2,
        height: 2,
        durationMs: 10,
      },
    };
    expect(codeOf(() => checkMediaKeys(conv, video))).toBeUndefined();
  });

  it("refuses an object key or a thumbnail key outside the conversation's prefix", () => {
    const foreign = "c/d:alice:carol/0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31";
    expect(codeOf(() => checkMediaKeys(conv, image(foreign)))).toBe("invalid_request");
    expect(codeOf(() => checkMediaKeys(conv, image(own(), foreign)))).toBe("invalid_request");
    expect(codeOf(() => checkMediaKeys(conv, image("m/1")))).toBe("invalid_request");
    expect(codeOf(() => checkMediaKeys(conv, image(`${own()}/../x`)))).toBe("invalid_request");
  });
});
