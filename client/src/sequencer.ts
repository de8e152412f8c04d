// Ordered, exactly-once delivery: whatever order or multiplicity messages arrive in (replay batches,
// HTTP history, live frames racing a replay), the app receives each seq once, in ascending order,
// with no gap. Pure state, no I/O: the session feeds it and asks it what is missing.
import type { Message, Watermark } from "@edge-chat/protocol";

export class Sequencer {
  #lastSeq: Watermark;
  /** Messages that arrived ahead of a gap, by seq, waiting for the gap to fill. */
  readonly #ahead = new Map<number, Message>();

  constructor(lastSeq: Watermark = 0) {
    this.#lastSeq = lastSeq;
  }

  /** The highest seq delivered with nothing missing below it. */
  get lastSeq(): Watermark {
    return this.#lastSeq;
  }

  /** Whether messages are held back because some seq before them has not arrived. */
  get hasGap(): boolean {
    return this.#ahead.size > 0;
  }

  /** The lowest seq held back, if any (what the gap ends before). */
  get firstAhead(): number | undefined {
    let min: number | undefined;
    for (const seq of this.#ahead.keys()) if (min === undefined || seq < min) min = seq;
    return min;
  }

  /**
   * Accepts messages in any order; returns those that became deliverable, in seq order. Duplicates
   * and messages at or below the watermark are dropped.
   */
  accept(messages: Iterable<Message>): Message[] {
    for (const message of messages) {
      if (message.seq > this.#lastSeq && !this.#ahead.has(message.seq)) {
        this.#ahead.set(message.seq, message);
      }
    }
    const ready: Message[] = [];
    for (;;) {
      const next = this.#ahead.get(this.#lastSeq + 1);
      if (!next) break;
      this.#ahead.delete(next.seq);
      this.#lastSeq = next.seq;
      ready.push(next);
    }
    return ready;
  }
}
