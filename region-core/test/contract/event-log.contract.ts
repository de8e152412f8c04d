// The event-log contract: ordering per key, offsets, resolve/commit semantics and redelivery of what
// was not committed, run against both the embedded log and real Kafka.
import { describe, expect, it } from "vitest";
import type { ConsumedRecord, EventConsumer, EventPublisher } from "../../src/events/ports.ts";
import { waitFor } from "../fixtures.ts";

export interface EventLogFactory {
  /** A topic no other test uses (created if the adapter needs that). */
  topic(): Promise<string>;
  publisher(topic: string): EventPublisher;
  consumer(topic: string, groupId: string): EventConsumer;
}

const text = (record: ConsumedRecord) => new TextDecoder().decode(record.value!);

export function eventLogContract(name: string, factory: () => EventLogFactory): void {
  describe(`event-log contract: ${name}`, () => {
    it("delivers each key's records in order, with headers", async () => {
      const log = factory();
      const topic = await log.topic();
      const byKey = new Map<string, string[]>();
      const consumer = log.consumer(topic, `g-${topic}`);
      await consumer.run(async (batch) => {
        for (const record of batch.records) {
          expect(record.headers["x-test"]).toBe("yes");
          byKey.set(record.key!, [...(byKey.get(record.key!) ?? []), text(record)]);
          batch.resolveOffset(record.offset);
        }
        await batch.commitOffsetsIfNecessary();
      });
      const publisher = log.publisher(topic);
      for (let i = 0; i < 20; i++) {
        await publisher.publish(
          ["g:a", "g:b", "g:c"].map((key) => ({
            key,
            value: `${key}#${i}`,
            headers: { "x-test": "yes" },
          })),
        );
      }
      await waitFor(() => [...byKey.values()].flat().length === 60);
      await consumer.stop();
      for (const key of ["g:a", "g:b", "g:c"]) {
        expect(byKey.get(key)).toEqual(Array.from({ length: 20 }, (_, i) => `${key}#${i}`));
      }
    });

    it("delivers again, in order and without a restart, what a handler left unresolved", async () => {
      const log = factory();
      const topic = await log.topic();
      const publisher = log.publisher(topic);
      await publisher.publish(
        Array.from({ length: 10 }, (_, i) => ({ key: "g:r", value: String(i) })),
      );
      // The handler gives up at "4" the first time it sees it (as the keyed-batch loop abandons a
      // key's queue): nothing from "4" on may be committed, skipped or applied out of order.
      const applied: string[] = [];
      let seenFour = 0;
      const consumer = log.consumer(topic, `g-${topic}`);
      await consumer.run(async (batch) => {
        for (const record of batch.records) {
          if (text(record) === "4" && seenFour++ === 0) break;
          applied.push(text(record));
          batch.resolveOffset(record.offset);
        }
        await batch.commitOffsetsIfNecessary();
      });
      await waitFor(() => applied.length >= 10);
      await publisher.publish([{ key: "g:r", value: "10" }]);
      await waitFor(() => applied.includes("10"));
      await consumer.stop();
      expect(applied).toEqual(Array.from({ length: 11 }, (_, i) => String(i)));
      expect(seenFour).toBeGreaterThanOrEqual(2);
    });

    it("resumes a group after its last commit and redelivers what was not committed", async () => {
      const log = factory();
      const topic = await log.topic();
      const group = `g-${topic}`;
      const publisher = log.publisher(topic);
      await publisher.publish(
        Array.from({ length: 10 }, (_, i) => ({ key: "g:k", value: String(i) })),
      );

      // First member: resolves only up to value 5 (as if it crashed before finishing 6..9), so
      // 6..9 keep being redelivered to it until it stops.
      const seenFirst: string[] = [];
      const first = log.consumer(topic, group);
      await first.run(async (batch) => {
        for (const record of batch.records) {
          seenFirst.push(text(record));
          if (Number(text(record)) <= 5) batch.resolveOffset(record.offset);
        }
        await batch.commitOffsetsIfNecessary();
      });
      await waitFor(() => seenFirst.includes("6"));
      await first.stop();

      await publisher.publish([{ key: "g:k", value: "10" }]);
      const seenSecond: string[] = [];
      const second = log.consumer(topic, group);
      await second.run(async (batch) => {
        for (const record of batch.records) {
          seenSecond.push(text(record));
          batch.resolveOffset(record.offset);
        }
        await batch.commitOffsetsIfNecessary();
      });
      await waitFor(() => seenSecond.includes("10"));
      await second.stop();
      expect(seenSecond).toEqual(["6", "7", "8", "9", "10"]);
    });
  });
}
