import { type Member, Message } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { mentionsIn, quoteFor } from "./replies.ts";

const members: Member[] = ["alice", "bob", "carol.k"].map((userId) => ({
  userId,
  role: "member",
  joinedAt: 0,
}));
const msg = (content: unknown, seq = 1) =>
  Message.parse({
    conversationId: "g:x",
    seq,
    messageId: "00000000-0000-4000-8000-000000000000",
    clientMsgId: "c",
    senderId: "alice",
    content,
    serverTs: 0,
  });

describe("mentionsIn", () => {
  it("resolves @userId of members only, once each, punctuation aside", () => {
    const m = msg({ kind: "text", text: "hi @bob, @carol.k. and @bob again, not @mallory" });
    expect(mentionsIn(m, () => members)).toEqual(["bob", "carol.k"]);
    expect(mentionsIn(msg({ kind: "text", text: "no one" }), () => members)).toBeUndefined();
    expect(mentionsIn(msg({ kind: "text", text: "mail me a@b" }), () => members)).toBeUndefined();
  });
});

describe("quoteFor", () => {
  it("quotes members' messages, not changes, system messages or unknown targets", () => {
    expect(quoteFor(msg({ kind: "text", text: "original" }))).toEqual({
      senderId: "alice",
      kind: "text",
      excerpt: "original",
      deleted: false,
    });
    expect(quoteFor(msg({ kind: "deleted" }))).toEqual({
      senderId: "alice",
      kind: "deleted",
      deleted: true,
    });
    expect(quoteFor(msg({ kind: "reaction", targetSeq: 1, emoji: "x", previous: null }, 2))).toBe(
      undefined,
    );
    expect(quoteFor(undefined)).toBeUndefined();
  });
});
