import { ChatError, LIMITS, type Message } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { type HistoryPage, Replay } from "./replay.ts";
import { makeMessage } from "./test-support/messages.ts";

const range = (from: number, to: number): Message[] =>
  Array.from({ length: to - from + 1 }, (_, i) => makeMessage(from + i));

/** A Replay over recorded dependencies; history serves `stored` (or throws `historyError`). */
function setup(lastSeq = 0, stored: Message[] = [], connected = true) {
  const delivered: number[] = [];
  const syncs: number[] = [];
  const reconnects: ChatError[] = [];
  const historyCalls: { after: number; limit: number }[] = [];
  const state = {
    generation: 1,
    historyError: undefined as Error | undefined,
    onHistory: () => {},
  };
  const replay = new Replay(lastSeq, {
    requestSync: (afterSeq) => {
      syncs.push(afterSeq);
      return connected;
    },
    history: async (after, limit): Promise<HistoryPage> => {
      historyCalls.push({ after, limit });
      state.onHistory();
      if (state.historyError) throw state.historyError;
      const page = stored.filter((m) => m.seq > after).slice(0, 2);
      return { messages: page, hasMore: stored.some((m) => m.seq > (page.at(-1)?.seq ?? after)) };
    },
    deliver: (messages) => delivered.push(...messages.map((m) => m.seq)),
    generation: () => state.generation,
    reconnectNow: (error) => reconnects.push(error),
  });
  return { replay, delivered, syncs, reconnects, historyCalls, state };
}

describe("Replay: welcome and sync batches", () => {
  it("is replaying after a welcome only when the server is ahead", () => {
    const behind = setup(3);
    behind.replay.welcomed(7);
    expect(behind.replay.syncing).toBe(true);
    const current = setup(7);
    current.replay.welcomed(7);
    expect(current.replay.syncing).toBe(false);
  });

  it("asks for the next batch while the server says there is more, then stops", () => {
    const { replay, delivered, syncs } = setup(0);
    replay.welcomed(5);
    replay.syncBatch({
      type: "sync_batch",
      reqId: "r",
      messages: range(1, 3),
      toSeq: 3,
      more: true,
    });
    expect(syncs).toEqual([3]);
    expect(replay.syncing).toBe(true);
    replay.syncBatch({
      type: "sync_batch",
      reqId: "r",
      messages: range(4, 5),
      toSeq: 5,
      more: false,
    });
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(syncs).toEqual([3]);
    expect(replay.syncing).toBe(false);
    expect(replay.lastSeq).toBe(5);
  });

  it("is not replaying when the sync request could not be sent", () => {
    const { replay, syncs } = setup(0, [], false);
    replay.welcomed(9);
    replay.syncBatch({
      type: "sync_batch",
      reqId: "r",
      messages: range(1, 2),
      toSeq: 2,
      more: true,
    });
    expect(syncs).toEqual([2]);
    expect(replay.syncing).toBe(false);
  });
});

describe("Replay: live frames racing a replay", () => {
  it("holds a live message ahead of a gap and asks for what lies between", () => {
    const { replay, delivered, syncs } = setup(2);
    replay.live([makeMessage(5)]);
    expect(delivered).toEqual([]);
    expect(syncs).toEqual([2]);
    replay.syncBatch({
      type: "sync_batch",
      reqId: "r",
      messages: range(3, 4),
      toSeq: 4,
      more: false,
    });
    expect(delivered).toEqual([3, 4, 5]);
  });

  it("does not ask again for a live gap while a replay is under way", () => {
    const { replay, syncs } = setup(0);
    replay.welcomed(10);
    replay.live([makeMessage(11)]);
    expect(syncs).toEqual([]);
  });

  it("asks again after a final batch only while that made progress and a gap remains", () => {
    const { replay, syncs } = setup(0);
    replay.welcomed(10);
    replay.live([makeMessage(9)]);
    replay.syncBatch({
      type: "sync_batch",
      reqId: "r",
      messages: range(1, 4),
      toSeq: 4,
      more: false,
    });
    expect(syncs).toEqual([4]);
    replay.syncBatch({ type: "sync_batch", reqId: "r", messages: [], toSeq: 4, more: false });
    expect(syncs).toEqual([4]);
  });

  it("drops duplicates: each seq is delivered once", () => {
    const { replay, delivered } = setup(0);
    replay.live(range(1, 2));
    replay.syncBatch({
      type: "sync_batch",
      reqId: "r",
      messages: range(1, 3),
      toSeq: 3,
      more: false,
    });
    replay.live([makeMessage(3)]);
    expect(delivered).toEqual([1, 2, 3]);
  });

  it("forgets the replay when the connection goes", () => {
    const { replay } = setup(0);
    replay.welcomed(4);
    replay.disconnected();
    expect(replay.syncing).toBe(false);
  });
});

describe("Replay: a gap older than the edge keeps", () => {
  it("pages the gap in from history, then resumes the sync from the edge's window", async () => {
    const { replay, delivered, syncs, historyCalls, reconnects } = setup(0, range(1, 5));
    await replay.gap({ type: "sync_gap", reqId: "r", afterSeq: 0, oldestSeq: 6 });
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(historyCalls.map((c) => c.after)).toEqual([0, 2, 4]);
    expect(historyCalls.every((c) => c.limit === LIMITS.maxPageSize)).toBe(true);
    expect(syncs).toEqual([5]);
    expect(reconnects).toEqual([]);
  });

  it("reconnects when history does not have the whole gap yet", async () => {
    const { replay, syncs, reconnects } = setup(0, range(1, 3));
    await replay.gap({ type: "sync_gap", reqId: "r", afterSeq: 0, oldestSeq: 8 });
    expect(syncs).toEqual([]);
    expect(reconnects.map((e) => e.code)).toEqual(["unavailable"]);
    expect(replay.lastSeq).toBe(3);
  });

  it("reconnects with the error when history fails", async () => {
    const { replay, reconnects, state } = setup(0, range(1, 3));
    state.historyError = new ChatError("rate_limited", "slow down");
    await replay.gap({ type: "sync_gap", reqId: "r", afterSeq: 0, oldestSeq: 4 });
    expect(reconnects.map((e) => e.code)).toEqual(["rate_limited"]);
  });

  it("does nothing more once its connection is gone", async () => {
    const { replay, syncs, reconnects, state } = setup(0, range(1, 3));
    // Every history call outlives the connection it started on.
    state.onHistory = () => {
      state.generation += 1;
    };
    await replay.gap({ type: "sync_gap", reqId: "r", afterSeq: 0, oldestSeq: 4 });
    expect(replay.lastSeq).toBe(3);
    expect(syncs).toEqual([]);
    expect(reconnects).toEqual([]);
    state.historyError = new Error("socket gone");
    await replay.gap({ type: "sync_gap", reqId: "r", afterSeq: 3, oldestSeq: 6 });
    expect(syncs).toEqual([]);
    expect(reconnects).toEqual([]);
  });
});
