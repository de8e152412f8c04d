import type { RegionEvent } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { membershipEvent, messageEvent, receiptEvent } from "../../test/fixtures.ts";
import { coalesce, stateChange } from "./coalesce.ts";

const conv = "g:team";
const id = (event: RegionEvent) => event;

describe("coalesce", () => {
  it("makes one write step of consecutive messages and receipts, with O(1) state per step", () => {
    const events = [
      ...Array.from({ length: 200 }, (_, i) => messageEvent(conv, i + 1, `u${i % 3}`)),
      receiptEvent(conv, "u1", 150, 120),
    ];
    const steps = coalesce(events, id);
    expect(steps).toHaveLength(1);
    const [step] = steps;
    if (step?.kind !== "writes") throw new Error("expected a write step");
    expect(step.conversationId).toBe(conv);
    expect(step.messages.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // One head, one sent watermark per sender, one receipt per member: not per message.
    expect(step.state.head).toEqual({ lastMessageSeq: 200, lastMessageAt: 1_700_000_000_200 });
    expect(step.state.sent?.map((s) => [s.userId, s.upToSeq]).sort()).toEqual([
      ["u0", 199],
      ["u1", 200],
      ["u2", 198],
    ]);
    expect(step.state.receipts).toHaveLength(1);
  });

  it("keeps a membership snapshot as its own step, in order", () => {
    const events = [
      messageEvent(conv, 1),
      membershipEvent(conv, ["a", "b"], 1),
      messageEvent(conv, 2),
      messageEvent(conv, 3),
    ];
    expect(coalesce(events, id).map((s) => [s.kind, s.items.length])).toEqual([
      ["writes", 1],
      ["membership", 1],
      ["writes", 2],
    ]);
  });

  it("bounds a step's size", () => {
    const events = Array.from({ length: 5 }, (_, i) => messageEvent(conv, i + 1));
    expect(coalesce(events, id, 2).map((s) => s.items.length)).toEqual([2, 2, 1]);
  });
});

describe("stateChange", () => {
  it("keeps each member's newest receipt, read implying delivered, as Cassandra would", () => {
    const older = { ...receiptEvent(conv, "bob", 9, 7), at: 100 };
    const newer = { ...receiptEvent(conv, "bob", 4, 8), at: 200 };
    const tie = { ...receiptEvent(conv, "bob", 12, 2), at: 200 };
    expect(stateChange([], [newer, older]).receipts).toEqual([
      { conversationId: conv, userId: "bob", deliveredUpTo: 8, readUpTo: 8, updatedAt: 200 },
    ]);
    expect(stateChange([], [older, newer, tie]).receipts).toEqual([
      { conversationId: conv, userId: "bob", deliveredUpTo: 12, readUpTo: 8, updatedAt: 200 },
    ]);
  });

  it("has no head and no sent watermarks without messages", () => {
    expect(stateChange([], [])).toEqual({});
  });
});
