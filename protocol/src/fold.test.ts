import { describe, expect, it } from "vitest";
import { foldAll, foldChange, quoteOf } from "./fold.ts";
import { Message, type MessageContent } from "./message.ts";

const base = { conversationId: "g:x", messageId: "00000000-0000-4000-8000-000000000000" };
function msg(seq: number, content: MessageContent, extra: Partial<Message> = {}): Message {
  return Message.parse({
    ...base,
    seq,
    clientMsgId: `c${seq}`,
    senderId: extra.senderId ?? "alice",
    content,
    serverTs: 1000 + seq,
    ...extra,
  });
}
const text = (seq: number, t: string, extra: Partial<Message> = {}) =>
  msg(seq, { kind: "text", text: t }, extra);
const edit = (seq: number, targetSeq: number, t: string) =>
  msg(seq, { kind: "edit", targetSeq, text: t });
const del = (seq: number, targetSeq: number, by = "alice") =>
  msg(seq, { kind: "delete", targetSeq, moderation: by !== "alice", scrub: [] }, { senderId: by });
const react = (
  seq: number,
  targetSeq: number,
  by: string,
  emoji: string | null,
  previous: string | null,
) => msg(seq, { kind: "reaction", targetSeq, emoji, previous }, { senderId: by });

describe("foldChange", () => {
  it("an edit replaces the text and records when, once, and never goes back", () => {
    const m = text(1, "helo");
    const e2 = edit(2, 1, "hello");
    const e3 = edit(3, 1, "hello!");
    const once = foldChange(m, e2);
    expect(once).toMatchObject({ content: { text: "hello" }, editedAt: 1002, editSeq: 2 });
    expect(foldChange(once, e2)).toBe(once);
    const latest = foldChange(once, e3);
    // A replayed older edit after a newer one changes nothing.
    expect(foldChange(latest, e2)).toBe(latest);
    expect(latest.content).toEqual({ kind: "text", text: "hello!" });
  });

  it("a delete is final: no edit or reaction after it, no content left", () => {
    const m = text(1, "secret", { reactions: [{ emoji: "👍", count: 1 }], reactionsSeq: 2 });
    const dead = foldChange(m, del(3, 1));
    expect(dead).toEqual({
      ...base,
      seq: 1,
      clientMsgId: "c1",
      senderId: "alice",
      content: { kind: "deleted" },
      serverTs: 1001,
      deletedAt: 1003,
      deletedBy: "alice",
    });
    expect(foldChange(dead, edit(4, 1, "back"))).toBe(dead);
    expect(foldChange(dead, react(5, 1, "bob", "❤️", null))).toBe(dead);
    expect(foldChange(dead, del(6, 1, "admin"))).toBe(dead);
    expect(Message.parse(dead)).toEqual(dead);
  });

  it("a delete scrubs the target's edits and the quotes of its replies", () => {
    const e = edit(2, 1, "secret v2");
    const reply = text(3, "what?", { replyToSeq: 1, quote: quoteOf(text(1, "secret")) });
    expect(foldChange(e, del(4, 1)).content).toEqual({ kind: "edit", targetSeq: 1 });
    expect(foldChange(reply, del(4, 1)).quote).toEqual({
      senderId: "alice",
      kind: "deleted",
      deleted: true,
    });
    // Unrelated rows are untouched.
    const other = text(5, "x", { replyToSeq: 2 });
    expect(foldChange(other, del(6, 1))).toBe(other);
  });

  it("reactions: one per member, replaced and removed through `previous`, counts only", () => {
    let m = text(1, "hi");
    m = foldChange(m, react(2, 1, "bob", "👍", null));
    m = foldChange(m, react(3, 1, "carol", "👍", null));
    m = foldChange(m, react(4, 1, "bob", "❤️", "👍"));
    expect(m.reactions).toEqual([
      { emoji: "❤️", count: 1 },
      { emoji: "👍", count: 1 },
    ]);
    // A replay of an already folded reaction does not count twice.
    expect(foldChange(m, react(3, 1, "carol", "👍", null))).toBe(m);
    m = foldChange(m, react(5, 1, "carol", null, "👍"));
    m = foldChange(m, react(6, 1, "bob", null, "❤️"));
    expect(m.reactions).toBeUndefined();
    expect(m.reactionsSeq).toBe(6);
  });

  it("only text is edited, and a change never applies to a later message", () => {
    const sys = msg(1, { kind: "system", system: { event: "member_left", userId: "bob" } });
    expect(foldChange(sys, edit(2, 1, "x"))).toBe(sys);
    const later = text(5, "later");
    expect(foldChange(later, del(3, 5))).toBe(later);
  });
});

describe("foldAll", () => {
  it("any interleaving of a stream folds to the same displayable state", () => {
    const stream = [
      text(1, "a"),
      text(2, "b", { replyToSeq: 1, quote: quoteOf(text(1, "a")) }),
      edit(3, 1, "a2"),
      react(4, 2, "bob", "👍", null),
      del(5, 1),
      edit(6, 2, "b2"),
    ];
    const folded = foldAll(stream);
    expect(folded.map((m) => m.seq)).toEqual([1, 2]);
    expect(folded[0]!.content).toEqual({ kind: "deleted" });
    expect(folded[1]).toMatchObject({
      content: { kind: "text", text: "b2" },
      reactions: [{ emoji: "👍", count: 1 }],
      quote: { deleted: true },
    });
    // Folding the already-folded rows with the stream again (a replay) changes nothing.
    expect(foldAll([...folded, ...stream.slice(2)])).toEqual(folded);
  });

  it("quotes carry an excerpt of text or caption, and the kind", () => {
    expect(quoteOf(text(1, "x".repeat(500))).excerpt).toHaveLength(200);
    const image = msg(1, {
      kind: "image",
      media: { objectKey: "k", mime: "image/png", size: 1, width: 1, height: 1 },
    });
    expect(quoteOf(image)).toEqual({ senderId: "alice", kind: "image", deleted: false });
  });
});
