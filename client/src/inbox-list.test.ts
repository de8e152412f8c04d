import { describe, expect, it } from "vitest";
import { ConversationList } from "./inbox-list.ts";
import { makeEntry } from "./test-support/messages.ts";

const ids = (list: ConversationList) => list.entries().map((e) => e.conversationId);

describe("ConversationList", () => {
  it("orders by last activity, most recent first, ties by id", () => {
    const list = new ConversationList();
    list.replace([
      makeEntry("d:a:b", 1, 1),
      makeEntry("g:x", 5, 0),
      makeEntry("d:a:c", 3, 3),
      makeEntry("d:a:a2", 3, 1),
    ]);
    expect(ids(list)).toEqual(["g:x", "d:a:a2", "d:a:c", "d:a:b"]);
    expect(list.unreadTotal).toBe(7);
  });

  it("moves a conversation with a new message to the top and updates its unread count", () => {
    const list = new ConversationList();
    list.replace([makeEntry("g:x", 5, 5), makeEntry("d:a:b", 2, 2)]);
    const now = 1_800_000_000_000;
    list.upsert(makeEntry("d:a:b", 3, 2, { lastMessageAt: now }));
    expect(ids(list)).toEqual(["d:a:b", "g:x"]);
    expect(list.get("d:a:b")?.unread).toBe(1);
    // Reading moves nothing but the count.
    list.upsert(makeEntry("d:a:b", 3, 3, { lastMessageAt: now }));
    expect(ids(list)).toEqual(["d:a:b", "g:x"]);
    expect(list.unreadTotal).toBe(0);
  });

  it("adds new rows, removes gone ones, and a replace drops what is not in it", () => {
    const list = new ConversationList();
    list.upsert(makeEntry("g:new", 1, 0));
    list.upsert(makeEntry("d:a:b", 4, 0));
    expect(ids(list)).toEqual(["d:a:b", "g:new"]);
    expect(list.remove("d:a:b")).toBe(true);
    expect(list.remove("d:a:b")).toBe(false);
    expect(ids(list)).toEqual(["g:new"]);
    list.replace([makeEntry("d:a:c", 1, 1)]);
    expect(ids(list)).toEqual(["d:a:c"]);
  });

  it("hands out copies, so a caller cannot reorder the list", () => {
    const list = new ConversationList();
    list.replace([makeEntry("d:a:b", 1, 0), makeEntry("d:a:c", 2, 0)]);
    list.entries().reverse();
    expect(ids(list)).toEqual(["d:a:c", "d:a:b"]);
  });
});
