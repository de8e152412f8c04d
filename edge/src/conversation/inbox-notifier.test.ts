import type { EdgeMetricPoint, InboxUpdate } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { InboxNotifier } from "./inbox-notifier.ts";
import { RetryState } from "../storage/retry-state.ts";
import type { KvKey, TypedKv } from "../storage/kv.ts";
import type { InboxOutbox } from "./inbox-outbox.ts";
import type { ConversationStore } from "./store.ts";

/** A notifier over in-memory stand-ins for its storage (the storage itself is tested in workerd). */
function setup(fail: () => boolean, online: (userId: string) => boolean = () => false) {
  let now = 10_000;
  let lastSeq = 0;
  const values = new Map<string, unknown>();
  const kv: TypedKv = {
    get: <T>(key: KvKey<T>) => values.get(key.name) as T | undefined,
    set: (key, value) => void values.set(key.name, value),
    delete: (key) => void values.delete(key.name),
  };
  const store = { kv, lastSeq: () => lastSeq } as unknown as ConversationStore;
  const inboxOutbox = {
    count: () => 0,
    head: () => [],
    delivered: () => {},
    retry: new RetryState(kv, "inbox"),
  } as unknown as InboxOutbox;
  const points: EdgeMetricPoint[] = [];
  const delivered: InboxUpdate[] = [];
  const acked: [string, number][] = [];
  const notifier = new InboxNotifier({
    inboxOutbox,
    store,
    view: () => ({
      conversationId: "g:c",
      kind: "group",
      name: undefined,
      createdAt: 1,
      lastSeq,
      last: undefined,
    }),
    members: () => [
      { userId: "u1", readUpTo: 0, lastOwnSeq: 0 },
      { userId: "u2", readUpTo: 0, lastOwnSeq: 0 },
    ],
    liveUsers: () => new Set(),
    now: () => now,
    record: (point) => points.push(point),
    deliver: async (update) => {
      now += 4; // the RPC's round trip (two members: 8 ms per tick)
      if (fail()) throw new Error("inbox unreachable");
      delivered.push(update);
      // An inbox with a device connected has the row up to its lastSeq; one without, nothing.
      return { deliveredUpTo: online(update.userId) ? update.lastSeq : 0 };
    },
    delivered: (userId, upToSeq) => acked.push([userId, upToSeq]),
  });
  const message = () => {
    lastSeq++;
    notifier.changed();
  };
  return { notifier, points, delivered, acked, message, advance: (ms: number) => (now += ms) };
}

describe("InboxNotifier staleness", () => {
  it("records the age of the oldest coalesced change when the inboxes have it, once per tick", async () => {
    const { notifier, points, delivered, message, advance } = setup(() => false);
    message();
    advance(100);
    message();
    advance(300);
    await notifier.tick();
    expect(delivered.map((u) => u.lastSeq)).toEqual([2, 2]);
    expect(points).toEqual([{ stage: "inbox_staleness", ms: 408 }]);
    await notifier.tick(); // nothing changed since: nothing delivered, nothing recorded
    expect(points).toHaveLength(1);
  });

  it("keeps the oldest change's age across a failed tick", async () => {
    let failing = true;
    const { notifier, points, message, advance } = setup(() => failing);
    message();
    advance(500);
    await notifier.tick();
    expect(points).toEqual([]);
    failing = false;
    advance(1000);
    message();
    await notifier.tick();
    expect(points).toEqual([{ stage: "inbox_staleness", ms: 1516 }]);
  });
});

describe("InboxNotifier delivered answers", () => {
  it("raises a member's delivered watermark from their inbox's answer, and only then", async () => {
    let failing = false;
    const { notifier, acked, message } = setup(
      () => failing,
      (userId) => userId === "u2",
    );
    message();
    message();
    await notifier.tick();
    // u1 has no device connected (answer 0): no watermark moves for them.
    expect(acked).toEqual([["u2", 2]]);
    // A failed call answers nothing: nothing is claimed delivered.
    failing = true;
    message();
    await notifier.tick();
    expect(acked).toEqual([["u2", 2]]);
    failing = false;
    await notifier.tick();
    expect(acked).toEqual([
      ["u2", 2],
      ["u2", 3],
    ]);
  });
});
