import { describe, expect, it } from "vitest";
import { conversationOfEvent } from "./event-conversation.ts";
import type { RegionEvent } from "./region.ts";

describe("conversationOfEvent", () => {
  it("reads a message's conversation from the message", () => {
    const event: RegionEvent = {
      type: "message",
      message: {
        conversationId: "g:inner",
        seq: 1,
        messageId: "m1",
        clientMsgId: "c1",
        senderId: "alice",
        content: { kind: "text", text: "hi" },
        serverTs: 1,
      },
    };
    expect(conversationOfEvent(event)).toBe("g:inner");
  });

  it("reads receipts' and membership snapshots' conversation from the event", () => {
    const receipt: RegionEvent = {
      type: "receipt",
      conversationId: "g:r",
      userId: "bob",
      deliveredUpTo: 2,
      readUpTo: 1,
      at: 5,
    };
    const membership: RegionEvent = {
      type: "membership",
      conversationId: "g:m",
      kind: "group",
      createdAt: 1,
      members: [],
      removed: [],
      asOfSeq: 3,
    };
    expect(conversationOfEvent(receipt)).toBe("g:r");
    expect(conversationOfEvent(membership)).toBe("g:m");
  });
});
