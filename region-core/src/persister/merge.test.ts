import { describe, expect, it } from "vitest";
import { member, membershipEvent, receiptEvent } from "../../test/fixtures.ts";
import type { ReceiptRow, UserConversationRow } from "../repositories/ports.ts";
import {
  advanceListRow,
  advanceReadSeq,
  mergeReceipt,
  planMembership,
  unreadCount,
} from "./merge.ts";

const conv = "g:team";

describe("mergeReceipt", () => {
  const stored: ReceiptRow = {
    conversationId: conv,
    userId: "bob",
    deliveredUpTo: 7,
    readUpTo: 5,
    updatedAt: 1,
  };

  it("creates the first receipt", () => {
    expect(mergeReceipt(null, receiptEvent(conv, "bob", 3, 2))).toMatchObject({
      deliveredUpTo: 3,
      readUpTo: 2,
    });
  });

  it("only moves watermarks forward", () => {
    expect(mergeReceipt(stored, receiptEvent(conv, "bob", 9, 4))).toMatchObject({
      deliveredUpTo: 9,
      readUpTo: 5,
    });
  });

  it("is a no-op for a replayed or older receipt", () => {
    expect(mergeReceipt(stored, receiptEvent(conv, "bob", 7, 5))).toBeNull();
    expect(mergeReceipt(stored, receiptEvent(conv, "bob", 2, 1))).toBeNull();
  });

  it("treats read as delivered", () => {
    expect(mergeReceipt(stored, receiptEvent(conv, "bob", 0, 10))).toMatchObject({
      deliveredUpTo: 10,
      readUpTo: 10,
    });
  });
});

describe("conversation list rows", () => {
  const row: UserConversationRow = {
    userId: "bob",
    conversationId: conv,
    lastMessageSeq: 5,
    lastMessageAt: 50,
    lastReadSeq: 3,
  };

  it("advances to a newer message and ignores a replayed one", () => {
    expect(
      advanceListRow(row, { userId: "bob", conversationId: conv, seq: 6, at: 60 }),
    ).toMatchObject({ lastMessageSeq: 6, lastMessageAt: 60, lastReadSeq: 3 });
    expect(advanceListRow(row, { userId: "bob", conversationId: conv, seq: 4, at: 40 })).toBeNull();
    expect(advanceListRow(row, { userId: "bob", conversationId: conv, seq: 5, at: 50 })).toBeNull();
  });

  it("marks the sender's own message read", () => {
    expect(
      advanceListRow(row, { userId: "bob", conversationId: conv, seq: 6, at: 60, senderId: "bob" }),
    ).toMatchObject({ lastReadSeq: 6 });
  });

  it("creates a row for a new member", () => {
    expect(advanceListRow(null, { userId: "eve", conversationId: conv, seq: 0, at: 1 })).toEqual({
      userId: "eve",
      conversationId: conv,
      lastMessageSeq: 0,
      lastMessageAt: 1,
      lastReadSeq: 0,
    });
  });

  it("moves the read watermark forward only", () => {
    expect(advanceReadSeq(row, 5)).toMatchObject({ lastReadSeq: 5 });
    expect(advanceReadSeq(row, 2)).toBeNull();
    expect(advanceReadSeq(null, 9)).toBeNull();
  });

  it("counts unread messages, never below zero", () => {
    expect(unreadCount(row)).toBe(2);
    expect(unreadCount({ ...row, lastReadSeq: 9 })).toBe(0);
  });
});

describe("planMembership", () => {
  it("ignores a snapshot older than the stored one", () => {
    const stored = {
      conversationId: conv,
      kind: "group" as const,
      createdAt: 1,
      membersAsOfSeq: 10,
    };
    expect(planMembership(stored, [], membershipEvent(conv, ["a"], 9))).toBeNull();
  });

  it("re-applies an equal snapshot (a replay) and removes members missing from it", () => {
    const stored = {
      conversationId: conv,
      kind: "group" as const,
      createdAt: 1,
      membersAsOfSeq: 10,
    };
    const plan = planMembership(
      stored,
      [member("a"), member("b"), member("c")],
      membershipEvent(conv, ["a", "b"], 10, ["z"]),
    );
    expect(plan?.upsert.map((m) => m.userId)).toEqual(["a", "b"]);
    expect(plan?.remove).toEqual(["c", "z"]);
    expect(plan?.conversation).toMatchObject({
      membersAsOfSeq: 10,
      kind: "group",
      name: "group 10",
    });
  });
});
