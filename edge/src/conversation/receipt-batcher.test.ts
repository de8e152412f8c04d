import type { ConversationId, UserId } from "@edge-chat/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeviceDelivered } from "./device-receipts.ts";
import {
  RECEIPT_TICK_MAX_MS,
  RECEIPT_TICK_MS,
  ReceiptBatcher,
  receiptTickMs,
} from "./receipt-batcher.ts";

/** A batcher whose applied watermarks and device rows are recorded, tick by tick. */
function batcher() {
  const ticks: Map<UserId, number>[] = [];
  const devices: DeviceDelivered[][] = [];
  const receipts = new ReceiptBatcher({
    conversationId: () => "g_test" as ConversationId,
    apply: (_id, upTo) => {
      ticks.push(new Map(upTo));
      return [];
    },
    statuses: () => {},
    applied: () => {},
    applyDevices: (upTo) => devices.push(upTo),
  });
  return { receipts, ticks, devices };
}
const user = (i: number) => `u${i}` as UserId;

describe("ReceiptBatcher", () => {
  afterEach(() => vi.useRealTimers());

  it("waits 1 ms per row the last tick wrote, between 100 ms and 1 s", () => {
    expect(receiptTickMs(0)).toBe(RECEIPT_TICK_MS);
    expect(receiptTickMs(10)).toBe(RECEIPT_TICK_MS);
    expect(receiptTickMs(250)).toBe(250);
    expect(receiptTickMs(2_048)).toBe(RECEIPT_TICK_MAX_MS);
  });

  it("applies each member's highest watermark once per tick, in one batch", () => {
    vi.useFakeTimers();
    const { receipts, ticks, devices } = batcher();
    receipts.delivered(user(1), 3);
    receipts.delivered(user(1), 5, "d1");
    receipts.delivered(user(1), 4);
    receipts.delivered(user(2), 2);
    expect(ticks).toHaveLength(0);
    vi.advanceTimersByTime(RECEIPT_TICK_MS);
    expect(ticks).toEqual([
      new Map([
        [user(1), 5],
        [user(2), 2],
      ]),
    ]);
    expect(devices).toEqual([[{ userId: user(1), deviceId: "d1", upToSeq: 5 }]]);
  });

  it("ticks more slowly after a tick that moved many members", () => {
    vi.useFakeTimers();
    const { receipts, ticks } = batcher();
    for (let i = 0; i < 400; i++) receipts.delivered(user(i), 1);
    vi.advanceTimersByTime(RECEIPT_TICK_MS);
    expect(ticks).toHaveLength(1);
    // 400 rows written: the next tick waits 400 ms, not 100.
    receipts.delivered(user(0), 2);
    vi.advanceTimersByTime(399);
    expect(ticks).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(ticks).toHaveLength(2);
    // One row: back to the short tick.
    receipts.delivered(user(0), 3);
    vi.advanceTimersByTime(RECEIPT_TICK_MS);
    expect(ticks).toHaveLength(3);
  });

  it("applies at once when a reader flushes, whatever the tick", () => {
    vi.useFakeTimers();
    const { receipts, ticks } = batcher();
    receipts.delivered(user(1), 7);
    receipts.flush();
    expect(ticks).toEqual([new Map([[user(1), 7]])]);
    vi.advanceTimersByTime(RECEIPT_TICK_MAX_MS);
    expect(ticks).toHaveLength(1);
  });
});
