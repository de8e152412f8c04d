import { describe, expect, it } from "vitest";
import type { InboxRow } from "./entries.ts";
import { decidePush, NO_PUSH_YET, type PushInput } from "./push.ts";

const row = (over: Partial<InboxRow> = {}): InboxRow => ({
  conversationId: "d:alice:bob",
  kind: "direct",
  member: true,
  lastSeq: 3,
  lastMessageAt: 1000,
  lastSenderId: "bob",
  lastMessageKind: "text",
  readUpTo: 0,
  ...over,
});
const input = (over: Partial<PushInput> = {}): PushInput => ({
  owner: "alice",
  row: row(),
  state: NO_PUSH_YET,
  online: false,
  now: 10_000,
  collapseMs: 5000,
  ...over,
});

describe("decidePush", () => {
  it("pushes a first message to an offline user, counting every unread one", () => {
    expect(decidePush(input())).toEqual({
      kind: "send",
      count: 3,
      state: { lastPushAt: 10_000, pushedUpToSeq: 3 },
      mentioned: false,
    });
  });

  it("marks a push mentioned when a message it covers (unread, not pushed before) mentions the owner", () => {
    const send = (over: Partial<PushInput>) => {
      const d = decidePush(input(over));
      return d.kind === "send" && d.mentioned;
    };
    expect(send({ row: row({ mentionSeq: 2 }) })).toBe(true);
    // Mentioned in a message an earlier push covered, or one already read: not this push's news.
    expect(send({ row: row({ mentionSeq: 2 }), state: { lastPushAt: 0, pushedUpToSeq: 2 } })).toBe(
      false,
    );
    expect(send({ row: row({ mentionSeq: 2, readUpTo: 2 }) })).toBe(false);
  });

  it("never pushes while a device is connected, to non-members, or when all is read", () => {
    expect(decidePush(input({ online: true })).kind).toBe("none");
    expect(decidePush(input({ row: row({ member: false }) })).kind).toBe("none");
    expect(decidePush(input({ row: row({ readUpTo: 3 }) })).kind).toBe("none");
  });

  it("never pushes the user's own messages or system events they caused", () => {
    expect(decidePush(input({ row: row({ lastSenderId: "alice" }) })).kind).toBe("none");
    expect(
      decidePush(input({ row: row({ lastSenderId: "alice", lastMessageKind: "system" }) })).kind,
    ).toBe("none");
  });

  it("collapses: within the window it waits, after it sends once for the messages since", () => {
    const state = { lastPushAt: 8000, pushedUpToSeq: 3 };
    expect(decidePush(input({ row: row({ lastSeq: 5 }), state }))).toEqual({
      kind: "later",
      at: 13_000,
    });
    expect(decidePush(input({ row: row({ lastSeq: 5 }), state, now: 13_000 }))).toEqual({
      kind: "send",
      count: 2,
      state: { lastPushAt: 13_000, pushedUpToSeq: 5 },
      mentioned: false,
    });
  });

  it("nothing new since the last push means no push, even after the window", () => {
    const state = { lastPushAt: 1000, pushedUpToSeq: 3 };
    expect(decidePush(input({ state })).kind).toBe("none");
  });

  it("counts only what is unread when the user read part of it meanwhile", () => {
    const state = { lastPushAt: 1000, pushedUpToSeq: 2 };
    expect(decidePush(input({ row: row({ lastSeq: 9, readUpTo: 6 }), state }))).toMatchObject({
      kind: "send",
      count: 3,
    });
  });
});
