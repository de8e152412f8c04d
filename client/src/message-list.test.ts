import { foldAll, type Message, quoteOf } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { MessageList } from "./message-list.ts";

const m = (seq: number, content: Message["content"], extra: Partial<Message> = {}): Message => ({
  conversationId: "g:x",
  seq,
  messageId: "00000000-0000-4000-8000-000000000000",
  clientMsgId: `c${seq}`,
  senderId: "alice",
  content,
  serverTs: seq,
  ...extra,
});

describe("MessageList", () => {
  it("folds changes into what it holds, reports what changed, hides what I deleted for me", () => {
    const a = m(1, { kind: "text", text: "a" });
    const stream = [
      a,
      m(2, { kind: "text", text: "b" }, { replyToSeq: 1, quote: quoteOf(a) }),
      m(3, { kind: "edit", targetSeq: 1, text: "a2" }),
      m(4, { kind: "reaction", targetSeq: 2, emoji: "👍", previous: null }, { senderId: "bob" }),
      m(5, { kind: "delete", targetSeq: 1, moderation: false, scrub: [2, 3] }),
    ];
    const list = new MessageList();
    const touched = stream.map((x) => list.apply(x).map((t) => t.seq));
    expect(touched).toEqual([[1], [2], [1], [2], [1, 2]]);
    expect(list.messages()).toEqual(foldAll(stream));
    // Replays (a reconnect's sync overlapping live frames) change nothing.
    for (const x of stream) expect(list.apply(x)).toEqual([]);
    list.hide([2]);
    expect(list.messages().map((x) => x.seq)).toEqual([1]);
    expect(list.get(2)).toBeUndefined();
  });
});
