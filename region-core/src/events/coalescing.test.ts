import { describe, expect, it } from "vitest";
import { coalescingPublisher } from "./coalescing.ts";
import type { OutgoingRecord } from "./ports.ts";

const record = (key: string, value: string): OutgoingRecord => ({ key, value });

/** A send that completes only when the test says so. */
function controlledSend() {
  const sends: { records: OutgoingRecord[]; done: (error?: unknown) => void }[] = [];
  const send = (records: readonly OutgoingRecord[]) =>
    new Promise<void>((resolve, reject) => {
      sends.push({ records: [...records], done: (error) => (error ? reject(error) : resolve()) });
    });
  return { sends, send };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("coalescingPublisher", () => {
  it("sends the first call at once and merges the calls made meanwhile, in call order", async () => {
    const { sends, send } = controlledSend();
    const publisher = coalescingPublisher(send);
    const first = publisher.publish([record("a", "1")]);
    const second = publisher.publish([record("b", "1"), record("a", "2")]);
    const third = publisher.publish([record("a", "3")]);
    await settle();
    expect(sends.map((s) => s.records.map((r) => r.value))).toEqual([["1"]]);
    sends[0]!.done();
    await first;
    await settle();
    expect(sends[1]!.records.map((r) => `${r.key}${r.value}`)).toEqual(["b1", "a2", "a3"]);
    sends[1]!.done();
    await Promise.all([second, third]);
  });

  it("fails every call carried by a failed send, and only those", async () => {
    const { sends, send } = controlledSend();
    const publisher = coalescingPublisher(send);
    const first = publisher.publish([record("a", "1")]);
    const second = publisher.publish([record("a", "2")]);
    await settle();
    sends[0]!.done(new Error("broker down"));
    await expect(first).rejects.toThrow("broker down");
    await settle();
    sends[1]!.done();
    await expect(second).resolves.toBeUndefined();
  });

  it("keeps merged sends within the record limit, never splitting one call", async () => {
    const { sends, send } = controlledSend();
    const publisher = coalescingPublisher(send, { maxRecords: 3, maxBytes: 1e9 });
    const calls = [
      publisher.publish([record("a", "0")]),
      publisher.publish([record("a", "1"), record("a", "2")]),
      publisher.publish([record("a", "3")]),
      publisher.publish([record("a", "4"), record("a", "5"), record("a", "6"), record("a", "7")]),
    ];
    for (let i = 0; i < 4; i++) {
      await settle();
      sends[i]?.done();
    }
    await Promise.all(calls);
    expect(sends.map((s) => s.records.length)).toEqual([1, 3, 4]);
  });
});
