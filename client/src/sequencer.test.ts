import type { Message } from "@edge-chat/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Sequencer } from "./sequencer.ts";
import { makeMessage } from "./test-support/messages.ts";

const seqs = (messages: Message[]) => messages.map((m) => m.seq);

describe("Sequencer", () => {
  it("delivers in-order messages at once", () => {
    const s = new Sequencer();
    expect(seqs(s.accept([makeMessage(1), makeMessage(2)]))).toEqual([1, 2]);
    expect(s.lastSeq).toBe(2);
    expect(s.hasGap).toBe(false);
  });

  it("holds messages back until the gap before them fills", () => {
    const s = new Sequencer();
    expect(seqs(s.accept([makeMessage(3), makeMessage(2)]))).toEqual([]);
    expect(s.hasGap).toBe(true);
    expect(s.firstAhead).toBe(2);
    expect(seqs(s.accept([makeMessage(1)]))).toEqual([1, 2, 3]);
    expect(s.hasGap).toBe(false);
  });

  it("drops duplicates at the replay/live seam and anything at or below the watermark", () => {
    const s = new Sequencer(5);
    expect(seqs(s.accept([makeMessage(5), makeMessage(6), makeMessage(6)]))).toEqual([6]);
    expect(seqs(s.accept([makeMessage(6), makeMessage(4), makeMessage(7)]))).toEqual([7]);
  });

  it("delivers every seq exactly once, in order, for any interleaving with duplicates", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 40 }),
        fc.infiniteStream(fc.nat()),
        fc.array(fc.nat(), { maxLength: 30 }),
        (start, count, randoms, duplicates) => {
          const all = Array.from({ length: count }, (_, i) => makeMessage(start + 1 + i));
          // Every message once, plus random duplicates (including ones at or below the start).
          const frames = [...all, ...duplicates.map((d) => makeMessage(1 + (d % (start + count))))];
          const it = randoms[Symbol.iterator]();
          for (let i = frames.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [frames[i], frames[j]] = [frames[j]!, frames[i]!];
          }
          const s = new Sequencer(start);
          const delivered: number[] = [];
          // Arbitrary chunking: batches and single frames alike.
          for (let i = 0; i < frames.length; ) {
            const size = 1 + (it.next().value! % 4);
            delivered.push(...seqs(s.accept(frames.slice(i, i + size))));
            i += size;
          }
          expect(delivered).toEqual(all.map((m) => m.seq));
          expect(s.hasGap).toBe(false);
        },
      ),
    );
  });
});
