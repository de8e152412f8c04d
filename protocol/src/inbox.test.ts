import { describe, expect, it } from "vitest";
import { ServerFrame } from "./frames.ts";
import { ChatError } from "./errors.ts";
import { decodeInboxClientFrame, decodeInboxServerFrame, InboxUpdate } from "./inbox.ts";
import { LIMITS } from "./limits.ts";

const entry = {
  conversationId: "d:alice:bob",
  kind: "direct",
  lastSeq: 3,
  lastMessageAt: 1000,
  readUpTo: 1,
  unread: 2,
};

describe("inbox frames", () => {
  it("decodes each inbox frame and keeps them apart from the conversation frames", () => {
    const update = decodeInboxServerFrame(JSON.stringify({ type: "inbox_update", entry }));
    expect(update).toEqual({ type: "inbox_update", entry });
    const presence = { type: "presence", userId: "bob", online: false, lastSeenAt: 5 };
    expect(decodeInboxServerFrame(JSON.stringify(presence))).toEqual(presence);
    const typing = { type: "typing", conversationId: "d:alice:bob", userId: "bob", state: "stop" };
    expect(decodeInboxServerFrame(JSON.stringify(typing))).toEqual(typing);
    expect(() => decodeInboxServerFrame(JSON.stringify({ ...typing, state: "maybe" }))).toThrow();
    // The conversation socket's union is unchanged: inbox frames are not conversation frames.
    expect(ServerFrame.safeParse({ type: "inbox_update", entry }).success).toBe(false);
    expect(() => decodeInboxServerFrame(JSON.stringify({ type: "welcome" }))).toThrow();
  });

  it("an update needs the membership flag and a valid conversation id", () => {
    const base = { userId: "alice", ...entry, member: true };
    expect(InboxUpdate.safeParse(base).success).toBe(true);
    expect(InboxUpdate.safeParse({ ...base, member: undefined }).success).toBe(false);
    expect(InboxUpdate.safeParse({ ...base, conversationId: "x" }).success).toBe(false);
  });
});

describe("decodeInboxClientFrame", () => {
  const codeOf = (data: string | ArrayBuffer) => {
    try {
      decodeInboxClientFrame(data);
    } catch (error) {
      return error instanceof ChatError ? error.code : "not-a-chat-error";
    }
    return undefined;
  };

  it("accepts a ping, with or without a reqId", () => {
    expect(decodeInboxClientFrame('{"type":"ping","reqId":"r1"}')).toEqual({
      type: "ping",
      reqId: "r1",
    });
    expect(decodeInboxClientFrame('{"type":"ping"}')).toEqual({ type: "ping" });
  });

  it("refuses binary, oversized, malformed and unknown frames with the conversation socket's codes", () => {
    expect(codeOf(new ArrayBuffer(2))).toBe("invalid_request");
    expect(codeOf(`{"type":"ping","pad":"${"é".repeat(LIMITS.maxFrameBytes / 2)}"}`)).toBe(
      "frame_too_large",
    );
    expect(codeOf("{nope")).toBe("invalid_request");
    expect(codeOf('{"type":"send"}')).toBe("invalid_request");
  });
});
