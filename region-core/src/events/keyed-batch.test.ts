// The keyed-batch loop over the embedded log (the real adapter, not a double): per-key order, the
// committed prefix after an abandoned unit, dead letters and stopping.
import { DEFAULT_RETRY } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../test/fixtures.ts";
import { EmbeddedLog } from "./embedded-log.ts";
import { KeyedBatchRunner } from "./keyed-batch.ts";
import type { ConsumedBatch, ConsumedRecord } from "./ports.ts";
import { Stopping } from "./stoppable-retry.ts";

const text = (record: ConsumedRecord) => new TextDecoder().decode(record.value ?? new Uint8Array());

function setup(apply: (batch: ConsumedBatch, record: ConsumedRecord) => Promise<void>) {
  const log = new EmbeddedLog({ partitions: 1 });
  const runner = new KeyedBatchRunner<ConsumedRecord>({
    name: "test",
    consumer: log.consumer("t", "g"),
    deadLetters: log.publisher("t.dlq"),
    concurrency: 4,
    retry: { ...DEFAULT_RETRY, initialDelayMs: 1, maxDelayMs: 5 },
    plan: (queue) => queue,
    offsetsOf: (record) => [record.offset],
    apply,
  });
  const publish = (pairs: Array<[string, string]>) =>
    log.publisher("t").publish(pairs.map(([key, value]) => ({ key, value })));
  return { log, runner, publish };
}

describe("KeyedBatchRunner", () => {
  it("keeps each key in order and, after an abandoned unit, commits only the done prefix", async () => {
    const applied: string[] = [];
    let failedOnce = false;
    const { runner, publish } = setup(async (_batch, record) => {
      const value = text(record);
      if (value === "b1" && !failedOnce) {
        failedOnce = true;
        throw new Error("b1 fails once");
      }
      applied.push(value);
    });
    await publish([
      ["a", "a1"],
      ["b", "b1"],
      ["a", "a2"],
      ["b", "b2"],
      ["a", "a3"],
    ]);
    await runner.start();
    await waitFor(() => applied.includes("b2"));
    await runner.stop();

    // b2 never ran before b1 succeeded: the failure ended b's queue in that batch.
    expect(applied.filter((v) => v.startsWith("b"))).toEqual(["b1", "b2"]);
    // Only offset 0 (a1) was committable after the first batch, so a2 and a3 came again; a1 did not.
    expect(applied.filter((v) => v === "a1")).toEqual(["a1"]);
    expect(applied.filter((v) => v === "a2").length).toBe(2);
    for (const delivery of [applied.slice(0, 3), applied.slice(3)]) {
      const a = delivery.filter((v) => v.startsWith("a"));
      expect(a).toEqual([...a].sort());
    }
  });

  it("dead-letters a copy labelled with its source, reason and extra headers", async () => {
    const { log, runner, publish } = setup(async (batch, record) => {
      await runner.deadLetter(batch, record, {
        code: "invalid_request",
        reason: "bad",
        headers: { "x-extra": "1" },
      });
    });
    await publish([["k", "poison"]]);
    await runner.start();
    await waitFor(() => log.records("t.dlq").length === 1);
    await runner.stop();
    const [dead] = log.records("t.dlq");
    expect(dead?.key).toBe("k");
    expect(dead?.headers).toMatchObject({
      "x-dlq-code": "invalid_request",
      "x-dlq-reason": "bad",
      "x-dlq-source-topic": "t",
      "x-dlq-source-offset": "0",
      "x-extra": "1",
    });
  });

  it("ends a retry loop with Stopping when it stops, leaving the record uncommitted", async () => {
    let attempts = 0;
    let outcome: unknown = null;
    const { runner, publish } = setup(async () => {
      try {
        await runner.retrying(async () => {
          attempts++;
          throw new Error("down");
        });
      } catch (error) {
        outcome = error;
        throw error;
      }
    });
    await publish([["k", "v"]]);
    await runner.start();
    await waitFor(() => attempts >= 2);
    await runner.stop();
    expect(outcome).toBeInstanceOf(Stopping);
  });
});
