import { describe, expect, it } from "vitest";
import { compareRecency, type RecencyKey, readPosition, unreadCount } from "./conversation-list.ts";

describe("unreadCount", () => {
  it("is lastSeq − readUpTo", () => {
    expect(unreadCount(9, 4)).toBe(5);
    expect(unreadCount(3, 3)).toBe(0);
  });

  it("is never negative", () => {
    expect(unreadCount(5, 9)).toBe(0);
  });
});

describe("readPosition", () => {
  it("counts a member's own messages as read", () => {
    expect(readPosition(2, 7)).toBe(7);
    expect(readPosition(8, 7)).toBe(8);
  });
});

describe("compareRecency", () => {
  const row = (conversationId: string, lastMessageAt: number, lastSeq: number): RecencyKey => ({
    conversationId,
    lastMessageAt,
    lastSeq,
  });

  it("puts the most recent activity first, then the further-along, then by id", () => {
    const rows = [row("g:a", 100, 3), row("g:b", 300, 1), row("g:d", 100, 9), row("g:c", 100, 3)];
    expect(rows.sort(compareRecency).map((r) => r.conversationId)).toEqual([
      "g:b",
      "g:d",
      "g:a",
      "g:c",
    ]);
  });

  it("is a total order: equal keys compare 0, swapped arguments flip the sign", () => {
    expect(compareRecency(row("g:a", 1, 1), row("g:a", 1, 1))).toBe(0);
    const pairs: [RecencyKey, RecencyKey][] = [
      [row("g:a", 1, 1), row("g:b", 1, 1)],
      [row("g:a", 1, 1), row("g:a", 1, 2)],
      [row("g:a", 2, 1), row("g:a", 1, 1)],
    ];
    for (const [x, y] of pairs)
      expect(Math.sign(compareRecency(x, y))).toBe(-Math.sign(compareRecency(y, x)));
  });
});
