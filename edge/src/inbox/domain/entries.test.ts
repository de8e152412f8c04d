import type { InboxUpdate } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { listOf, mergeUpdate } from "./entries.ts";

const update = (over: Partial<InboxUpdate> = {}): InboxUpdate => ({
  userId: "alice",
  conversationId: "g:one",
  kind: "group",
  name: "one",
  member: true,
  lastSeq: 4,
  lastMessageAt: 400,
  lastSenderId: "bob",
  lastMessageKind: "text",
  preview: "four",
  readUpTo: 1,
  ...over,
});

describe("mergeUpdate", () => {
  it("keeps the newest mention whichever update arrives first", () => {
    const first = mergeUpdate(undefined, update({ mentionSeq: 3 })).row;
    expect(mergeUpdate(first, update({ lastSeq: 5 })).row.mentionSeq).toBe(3);
    expect(mergeUpdate(first, update({ lastSeq: 5, mentionSeq: 5 })).row.mentionSeq).toBe(5);
    expect(mergeUpdate(first, update({ lastSeq: 2, mentionSeq: 2 })).row.mentionSeq).toBe(3);
    expect(mergeUpdate(undefined, update()).row).not.toHaveProperty("mentionSeq");
  });

  it("a first update creates the row", () => {
    const { row, changed, newMessages } = mergeUpdate(undefined, update());
    expect(changed).toBe(true);
    expect(newMessages).toBe(4);
    expect(row).not.toHaveProperty("userId");
  });

  it("is idempotent and order-insensitive (set to at least)", () => {
    const a = update({ lastSeq: 4, readUpTo: 1 });
    const b = update({ lastSeq: 6, lastMessageAt: 600, preview: "six", readUpTo: 2 });
    const ab = mergeUpdate(mergeUpdate(undefined, a).row, b).row;
    const ba = mergeUpdate(mergeUpdate(undefined, b).row, a).row;
    expect(ab).toEqual(ba);
    expect(ab).toMatchObject({ lastSeq: 6, preview: "six", readUpTo: 2 });
    const again = mergeUpdate(ab, b);
    expect(again.changed).toBe(false);
    expect(again.newMessages).toBe(0);
  });

  it("an older update never lowers the read watermark nor resurrects a removed member", () => {
    const removed = mergeUpdate(undefined, update({ lastSeq: 7, member: false, readUpTo: 5 })).row;
    const late = mergeUpdate(removed, update({ lastSeq: 6, member: true, readUpTo: 3 }));
    expect(late.row).toMatchObject({ member: false, lastSeq: 7, readUpTo: 5 });
    // Rejoining is a newer membership system message, so it wins.
    const back = mergeUpdate(removed, update({ lastSeq: 8, member: true }));
    expect(back.row.member).toBe(true);
  });
});

describe("listOf", () => {
  it("lists members only, most recent first, with unread = lastSeq − readUpTo", () => {
    const rows = [
      update({ conversationId: "g:a", lastMessageAt: 100, lastSeq: 3, readUpTo: 3 }),
      update({ conversationId: "g:b", lastMessageAt: 300, lastSeq: 9, readUpTo: 4 }),
      update({ conversationId: "g:c", lastMessageAt: 200, member: false }),
    ].map((u) => mergeUpdate(undefined, u).row);
    expect(listOf(rows).map((e) => [e.conversationId, e.unread])).toEqual([
      ["g:b", 5],
      ["g:a", 0],
    ]);
  });
});
