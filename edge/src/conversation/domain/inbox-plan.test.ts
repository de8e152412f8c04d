import { describe, expect, it } from "vitest";
import type { InboxUpdate } from "@edge-chat/protocol";
import type { ConversationView } from "../../inbox/domain/snapshot.ts";
import { planInboxUpdates, type SentMark } from "./inbox-plan.ts";

const view: ConversationView = {
  conversationId: "g:plan",
  kind: "group",
  name: "plan",
  createdAt: 1,
  lastSeq: 10,
  last: {
    conversationId: "g:plan",
    seq: 10,
    messageId: "m10",
    clientMsgId: "c10",
    senderId: "b",
    content: { kind: "text", text: "ten" },
    serverTs: 100,
  },
};
const member = (userId: string, readUpTo = 0, lastOwnSeq = 0) => ({ userId, readUpTo, lastOwnSeq });
const base = {
  view,
  targeted: new Map<string, InboxUpdate>(),
  sent: new Map<string, SentMark>(),
  live: () => false,
  now: 1000,
  liveRefreshMs: 5000,
  typingResendMs: 2000,
  max: 100,
  maxLiveRefreshes: 100,
  nextTickAt: 1500,
};

describe("planInboxUpdates", () => {
  it("tells each inbox that is behind once, with own messages counted as read", () => {
    const plan = planInboxUpdates({
      ...base,
      members: [member("a", 3, 7), member("b", 0, 10), member("c", 9)],
      sent: new Map([["c", { lastSeq: 10, readUpTo: 9, at: 0 }]]),
    });
    expect(plan.updates.map((u) => [u.userId, u.lastSeq, u.readUpTo])).toEqual([
      ["a", 10, 7],
      ["b", 10, 10],
    ]);
    expect(plan).toMatchObject({ more: false, liveDueAt: undefined });
  });

  it("defers live watchers until their refresh, but never a targeted change", () => {
    const targeted = new Map<string, InboxUpdate>([
      ["b", { ...planInboxUpdates({ ...base, members: [member("b")] }).updates[0]!, readUpTo: 10 }],
      [
        "gone",
        { ...planInboxUpdates({ ...base, members: [member("gone")] }).updates[0]!, member: false },
      ],
    ]);
    const sent = new Map([
      ["a", { lastSeq: 8, readUpTo: 0, at: 500 }],
      ["b", { lastSeq: 8, readUpTo: 0, at: 500 }],
    ]);
    const plan = planInboxUpdates({
      ...base,
      members: [member("a"), member("b")],
      targeted,
      sent,
      live: () => true,
    });
    expect(plan.updates.map((u) => [u.userId, u.member, u.readUpTo])).toEqual([
      ["b", true, 10],
      ["gone", false, 0],
    ]);
    expect(plan.liveDueAt).toBe(5500);
    // Past the refresh the watcher is told too.
    const later = planInboxUpdates({
      ...base,
      now: 5500,
      members: [member("a")],
      sent,
      live: () => true,
    });
    expect(later.updates.map((u) => u.userId)).toEqual(["a"]);
  });

  it("after a wake-up, counts live watchers without a mark as told then, others are told", () => {
    const input = {
      ...base,
      members: [member("watching"), member("away"), member("joined")],
      targeted: new Map<string, InboxUpdate>([
        ["joined", planInboxUpdates({ ...base, members: [member("joined")] }).updates[0]!],
      ]),
      live: (userId: string) => userId !== "away",
    };
    const woke = planInboxUpdates({ ...input, toldBefore: 800 });
    expect(woke.updates.map((u) => u.userId)).toEqual(["away", "joined"]);
    expect(woke.liveDueAt).toBe(5800);
    // One refresh after the wake-up the watcher is told too.
    const later = planInboxUpdates({ ...input, now: 5800, toldBefore: 800 });
    expect(later.updates.map((u) => u.userId)).toEqual(["watching", "away", "joined"]);
    // Not known to have been told before (a new group): every inbox is told at once.
    const fresh = planInboxUpdates(input);
    expect(fresh.updates.map((u) => u.userId)).toEqual(["watching", "away", "joined"]);
  });

  it("refreshes at most the budget of watchers due together, the rest at the next tick", () => {
    const watchers = ["w1", "w2", "w3", "w4", "w5"];
    const sent = new Map(watchers.map((w) => [w, { lastSeq: 8, readUpTo: 0, at: 0 }]));
    const input = {
      ...base,
      now: 6000,
      nextTickAt: 6500,
      maxLiveRefreshes: 2,
      members: [...watchers.map((w) => member(w)), member("away")],
      sent,
      live: (userId: string) => userId !== "away",
    };
    const first = planInboxUpdates(input);
    // The member not watching is not held back by the watchers' budget.
    expect(first.updates.map((u) => u.userId)).toEqual(["w1", "w2", "away"]);
    expect(first).toMatchObject({ more: false, liveDueAt: 6500 });
    for (const u of first.updates) sent.set(u.userId, { lastSeq: 10, readUpTo: 0, at: 6000 });
    const second = planInboxUpdates({ ...input, now: 6500, nextTickAt: 7000 });
    expect(second.updates.map((u) => u.userId)).toEqual(["w3", "w4"]);
    for (const u of second.updates) sent.set(u.userId, { lastSeq: 10, readUpTo: 0, at: 6500 });
    const third = planInboxUpdates({ ...input, now: 7000, nextTickAt: 7500 });
    expect(third.updates.map((u) => u.userId)).toEqual(["w5"]);
    sent.set("w5", { lastSeq: 10, readUpTo: 0, at: 7000 });
    // A new message: each watcher is due one refresh after its own update, spread as they were told.
    const next = { ...input, view: { ...view, lastSeq: 11, last: { ...view.last!, seq: 11 } } };
    const quiet = planInboxUpdates({ ...next, now: 7100, nextTickAt: 7600 });
    expect(quiet.updates.map((u) => u.userId)).toEqual(["away"]);
    expect(quiet.liveDueAt).toBe(11000);
    const due = planInboxUpdates({ ...next, now: 11000, nextTickAt: 11500 });
    expect(due.updates.map((u) => u.userId)).toEqual(["w1", "w2", "away"]);
    expect(due.liveDueAt).toBe(11500);
  });

  it("stops at max and says more is due", () => {
    const plan = planInboxUpdates({
      ...base,
      max: 2,
      members: [member("a"), member("b"), member("c")],
    });
    expect(plan.updates).toHaveLength(2);
    expect(plan.more).toBe(true);
  });

  it("tells an inbox that is otherwise current who types, again while they type, and when they stop", () => {
    const sent = new Map<string, SentMark>([
      ["a", { lastSeq: 10, readUpTo: 10, at: 0 }],
      ["b", { lastSeq: 10, readUpTo: 10, at: 0 }],
    ]);
    const members = [member("a", 10), member("b", 10)];
    const typing = { ...base, view: { ...view, typists: ["a"] }, members, sent };
    // a types: b hears of it; a's own inbox is not told about a.
    const plan = planInboxUpdates(typing);
    expect(plan.updates.map((u) => [u.userId, u.typing])).toEqual([["b", ["a"]]]);
    sent.set("b", { lastSeq: 10, readUpTo: 10, at: 1000, typing: "a", typingAt: 1000 });
    // Still typing: nothing again within typingResendMs, then once more.
    expect(planInboxUpdates({ ...typing, now: 2999 }).updates).toEqual([]);
    expect(planInboxUpdates({ ...typing, now: 3000 }).updates.map((u) => u.userId)).toEqual(["b"]);
    // a stopped: b hears an empty list; nobody typing and told so is current.
    const stopped = { ...typing, view: { ...view, typists: [] }, now: 1500 };
    expect(planInboxUpdates(stopped).updates.map((u) => [u.userId, u.typing])).toEqual([["b", []]]);
    sent.set("b", { lastSeq: 10, readUpTo: 10, at: 1500 });
    expect(planInboxUpdates(stopped).updates).toEqual([]);
    // Without typists in the view (a direct chat, a large group) nothing about typing is sent.
    expect(planInboxUpdates({ ...base, members, sent }).updates).toEqual([]);
  });
});
