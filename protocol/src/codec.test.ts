import { describe, expect, it } from "vitest";
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeFrame,
  parseWith,
  utf8ByteLength,
} from "./codec.ts";
import { ChatError, closeCodeOf, ERROR_CODES, type ErrorCode, toErrorBody } from "./errors.ts";
import { ClientFrame } from "./frames.ts";
import { HistoryQuery } from "./http.ts";
import { LIMITS } from "./limits.ts";
import { negotiateVersion } from "./version.ts";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ChatError ? error.code : "not-a-chat-error";
  }
  return undefined;
}

describe("decodeClientFrame", () => {
  it("accepts a valid send frame", () => {
    const frame = decodeClientFrame(
      JSON.stringify({ type: "send", clientMsgId: "m-1", content: { kind: "text", text: "hi" } }),
    );
    expect(frame).toMatchObject({ type: "send", clientMsgId: "m-1" });
  });

  it("refuses malformed JSON, unknown types and binary frames as invalid_request", () => {
    expect(codeOf(() => decodeClientFrame("{nope"))).toBe("invalid_request");
    expect(codeOf(() => decodeClientFrame(JSON.stringify({ type: "launch" })))).toBe(
      "invalid_request",
    );
    expect(codeOf(() => decodeClientFrame(new ArrayBuffer(4)))).toBe("invalid_request");
  });

  it("refuses frames over the byte limit, counting UTF-8 bytes", () => {
    // 3 bytes per character: under the limit in UTF-16 units, over it in bytes.
    const text = "€".repeat(Math.ceil(LIMITS.maxFrameBytes / 3) + 1);
    expect(text.length).toBeLessThan(LIMITS.maxFrameBytes);
    expect(codeOf(() => decodeClientFrame(text))).toBe("frame_too_large");
  });

  it("reports a number over its maximum (a page size) as invalid_request, not content_too_large", () => {
    const tooMany = { limit: String(LIMITS.maxPageSize + 1) };
    expect(codeOf(() => parseWith(HistoryQuery, tooMany))).toBe("invalid_request");
  });

  it("reports text over the kind's limit as content_too_large", () => {
    const frame = {
      type: "send",
      clientMsgId: "m-2",
      content: { kind: "text", text: "x".repeat(LIMITS.maxTextChars + 1) },
    };
    expect(codeOf(() => decodeClientFrame(JSON.stringify(frame)))).toBe("content_too_large");
  });

  it("refuses media over its kind's size limit and system content from clients", () => {
    const video = {
      type: "send",
      clientMsgId: "m-3",
      content: {
        kind: "video",
        media: {
          objectKey: "k",
          mime: "video/mp4",
          size: LIMITS.maxMediaBytes.video + 1,
          width: 1,
          height: 1,
          durationMs: 1,
        },
      },
    };
    expect(codeOf(() => decodeClientFrame(JSON.stringify(video)))).toBe("content_too_large");
    const system = {
      type: "send",
      clientMsgId: "m-4",
      content: { kind: "system", system: { event: "member_left", userId: "a" } },
    };
    expect(codeOf(() => decodeClientFrame(JSON.stringify(system)))).toBe("invalid_request");
  });
});

describe("server frames", () => {
  it("round-trip through encode and decode", () => {
    const frame = { type: "status", status: "read", upToSeq: 7 } as const;
    expect(decodeServerFrame(encodeFrame(frame))).toEqual(frame);
  });
});

describe("errors", () => {
  it("map codes to status, close code and retriable", () => {
    const error = new ChatError("rate_limited", "slow down", { retryAfterMs: 250 });
    expect(error.status).toBe(429);
    expect(error.retriable).toBe(true);
    expect(error.toBody()).toEqual({
      code: "rate_limited",
      message: "slow down",
      retriable: true,
      retryAfterMs: 250,
    });
    expect(closeCodeOf("unauthenticated")).toBe(4401);
  });

  it("never expose unknown errors", () => {
    expect(toErrorBody(new Error("db password is hunter2"))).toEqual({
      code: "internal",
      message: "internal error",
      retriable: true,
    });
  });

  it("give internal permanent failures their own code, final and unexplained", () => {
    const refused = new ChatError("permanent_failure", "storage refused: table secret_x missing");
    expect(refused.status).toBe(500);
    expect(refused.retriable).toBe(false);
    expect(toErrorBody(refused)).toEqual({
      code: "permanent_failure",
      message: "internal error",
      retriable: false,
    });
    // The SDK reads a bare 500 (no body) as the first code with that status: still `internal`.
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    expect(codes.find((code) => ERROR_CODES[code].status === 500)).toBe("internal");
  });
});

describe("negotiateVersion", () => {
  it("takes the lower version and refuses clients older than the minimum", () => {
    expect(negotiateVersion(5, 1)).toBe(1);
    expect(negotiateVersion(1, 3)).toBe(1);
    expect(negotiateVersion(0, 1)).toBeNull();
  });
});

describe("utf8ByteLength", () => {
  it("counts 1 to 4 bytes per code point", () => {
    const cases: Array<[string, number]> = [
      ["", 0],
      ["abc", 3],
      ["é", 2],
      ["€uro", 6],
      ["😀 ok", 7],
      ["\u{10FFFF}", 4],
    ];
    for (const [text, bytes] of cases) expect(utf8ByteLength(text)).toBe(bytes);
  });
});

describe("decodeClientFrame's delivered fast path", () => {
  it("gives what the schema gives for the canonical text, and defers everything else", () => {
    const full = (text: string) => parseWith(ClientFrame, JSON.parse(text));
    for (const seq of [1, 9, 10, 123456, 999_999_999_999_999]) {
      const text = `{"type":"delivered","upToSeq":${seq}}`;
      expect(decodeClientFrame(text)).toEqual(full(text));
    }
    // With the device's id, as the SDK sends it for a device registered for push.
    for (const deviceId of ["d", "web-1_A", "x".repeat(64)]) {
      const text = JSON.stringify({ type: "delivered", upToSeq: 999_999_999_999_999, deviceId });
      expect(decodeClientFrame(text)).toEqual(full(text));
      expect(decodeClientFrame(text)).toEqual({
        type: "delivered",
        upToSeq: 999_999_999_999_999,
        deviceId,
      });
    }
    // An id the schema refuses still gets the schema's own typed error.
    for (const deviceId of ["", "x".repeat(65), "a b", "é"]) {
      const text = JSON.stringify({ type: "delivered", upToSeq: 5, deviceId });
      const code = codeOf(() => decodeClientFrame(text));
      expect(code).toBeDefined();
      expect(code).toBe(codeOf(() => full(text)));
    }
    // Not canonical: the full decoder answers (accepting or with its typed error).
    expect(decodeClientFrame('{"upToSeq":5,"type":"delivered"}')).toEqual({
      type: "delivered",
      upToSeq: 5,
    });
    expect(decodeClientFrame('{"type":"delivered","upToSeq":5,"reqId":"r1"}')).toEqual({
      type: "delivered",
      upToSeq: 5,
      reqId: "r1",
    });
    for (const bad of ["0", "01", "-1", "1.5", "9007199254740993", '"7"']) {
      expect(codeOf(() => decodeClientFrame(`{"type":"delivered","upToSeq":${bad}}`))).toBe(
        "invalid_request",
      );
    }
  });
});
