import { afterEach, describe, expect, it, vi } from "vitest";
import { BATCH_WINDOW_MS, LiveBatcher } from "./live-batcher.ts";

/** What a v1 and a v2 socket would be sent, frame by frame. */
function fakeSockets() {
  const sent: Record<1 | 2, string[]> = { 1: [], 2: [] };
  return {
    sent,
    broadcastLiveTexts(textsFor: (v: number) => readonly string[]) {
      for (const v of [1, 2] as const) sent[v].push(...textsFor(v));
    },
  };
}
const body = (seq: number) => JSON.stringify({ seq });

describe("LiveBatcher", () => {
  afterEach(() => vi.useRealTimers());

  it("sends a lone message at once, and what comes within the window as one v2 frame", () => {
    vi.useFakeTimers();
    let now = 1000;
    const sockets = fakeSockets();
    const batcher = new LiveBatcher(sockets, () => now);
    batcher.add(body(1));
    expect(sockets.sent[2]).toEqual(['{"type":"message","message":{"seq":1}}']);
    now += 2;
    batcher.add(body(2));
    batcher.add(body(3));
    expect(sockets.sent[2]).toHaveLength(1); // waiting for the window to end
    vi.advanceTimersByTime(BATCH_WINDOW_MS);
    expect(sockets.sent[2].slice(1)).toEqual([
      '{"type":"messages","messages":[{"seq":2},{"seq":3}]}',
    ]);
    // v1 sockets keep one frame per message, in order.
    expect(sockets.sent[1]).toEqual(
      [1, 2, 3].map((s) => `{"type":"message","message":{"seq":${s}}}`),
    );
    // Quiet again: the next message goes at once.
    now += 1000;
    batcher.add(body(4));
    expect(sockets.sent[2].at(-1)).toBe('{"type":"message","message":{"seq":4}}');
  });

  it("flush() sends what is pending right away (before a replay or a new socket)", () => {
    vi.useFakeTimers();
    const sockets = fakeSockets();
    const batcher = new LiveBatcher(sockets, () => 5);
    batcher.add(body(1));
    batcher.add(body(2));
    batcher.flush();
    expect(sockets.sent[1]).toHaveLength(2);
    vi.advanceTimersByTime(BATCH_WINDOW_MS);
    expect(sockets.sent[1]).toHaveLength(2); // the timer found nothing left
  });

  it("records one fan-out point per frame built: the oldest message's wait from its ack", () => {
    vi.useFakeTimers();
    let now = 1000;
    const points: number[] = [];
    const batcher = new LiveBatcher(
      fakeSockets(),
      () => now,
      (ms) => points.push(ms),
    );
    batcher.add(body(1)); // quiet: written in the turn of its ack
    now += 3;
    batcher.add(body(2));
    now += 5;
    batcher.add(body(3));
    now += 8; // the window (16 ms after the first flush) ends
    vi.advanceTimersByTime(BATCH_WINDOW_MS);
    expect(points).toEqual([0, 13]);
  });
});
