import { describe, expect, it } from "vitest";
import { ServerFrame } from "./frames.ts";
import { decodeInboxServerFrame, InboxUpdate } from "./inbox.ts";

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
