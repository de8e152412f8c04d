// The replay (sync) state machine of one conversation session: after a (re)connect it brings the
// device from the last seq it has to the conversation's head, from the edge's window (sync batches)
// or, for what the edge no longer keeps, from HTTP history, while live frames race it. The Sequencer
// makes delivery exactly once and in order; this decides when to ask for more and when a replay is
// under way. No socket here: the session hands it frames and gives it the means to ask.
import {
  ChatError,
  LIMITS,
  type Message,
  type ServerFrameOf,
  type Watermark,
} from "@edge-chat/protocol";
import { toChatError } from "./connection.ts";
import { Sequencer } from "./sequencer.ts";

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

export interface ReplayDeps {
  /** Puts a sync request (after `afterSeq`) on the wire; false when not connected. */
  requestSync(afterSeq: Watermark): boolean;
  /** One page of HTTP history after `after`, ascending. */
  history(after: Watermark, limit: number): Promise<HistoryPage>;
  /** Messages that became deliverable, in seq order, each exactly once. */
  deliver(messages: Message[]): void;
  /** Counts connections, so a history fill that outlived its connection changes nothing. */
  generation(): number;
  /** Drops the connection and connects again (the replay then restarts from lastSeq). */
  reconnectNow(error: ChatError): void;
}

export class Replay {
  readonly #deps: ReplayDeps;
  readonly #sequencer: Sequencer;
  /** A replay (sync batches or an HTTP gap fill) is under way on this connection. */
  #syncing = false;

  constructor(lastSeq: Watermark, deps: ReplayDeps) {
    this.#sequencer = new Sequencer(lastSeq);
    this.#deps = deps;
  }

  /** The highest seq delivered with nothing missing before it. */
  get lastSeq(): Watermark {
    return this.#sequencer.lastSeq;
  }

  get syncing(): boolean {
    return this.#syncing;
  }

  /** A connection was welcomed; the server replays on its own (since= in the URL) when we are behind. */
  welcomed(serverLastSeq: Watermark): void {
    this.#syncing = serverLastSeq > this.#sequencer.lastSeq;
  }

  /** The connection is gone: no replay is under way any more (the next one starts from lastSeq). */
  disconnected(): void {
    this.#syncing = false;
  }

  syncBatch(frame: ServerFrameOf<"sync_batch">): void {
    const before = this.#sequencer.lastSeq;
    this.#accept(frame.messages);
    if (frame.more) {
      this.#requestSync(Math.max(frame.toSeq, this.#sequencer.lastSeq));
      return;
    }
    this.#syncing = false;
    // Live frames may have overtaken the replay; ask again only while that makes progress.
    if (this.#sequencer.hasGap && this.#sequencer.lastSeq > before) {
      this.#requestSync(this.#sequencer.lastSeq);
    }
  }

  live(messages: readonly Message[]): void {
    this.#accept(messages);
    // A live frame ahead of what we have outside a replay: ask for what lies between.
    if (this.#sequencer.hasGap && !this.#syncing) this.#requestSync(this.#sequencer.lastSeq);
  }

  /**
   * The edge no longer keeps the messages after `afterSeq`: page them in from HTTP history (live
   * frames wait in the sequencer meanwhile), then resume the replay from the edge's window.
   */
  async gap(frame: ServerFrameOf<"sync_gap">): Promise<void> {
    const connection = this.#deps.generation();
    this.#syncing = true;
    const target = frame.oldestSeq - 1;
    try {
      let cursor = Math.max(frame.afterSeq, this.#sequencer.lastSeq);
      while (cursor < target) {
        const page = await this.#deps.history(cursor, LIMITS.maxPageSize);
        this.#accept(page.messages);
        const newest = page.messages.at(-1)?.seq ?? cursor;
        if (newest <= cursor || !page.hasMore) break;
        cursor = newest;
      }
    } catch (error) {
      if (connection === this.#deps.generation()) this.#deps.reconnectNow(toChatError(error));
      return;
    }
    if (connection !== this.#deps.generation()) return;
    if (this.#sequencer.lastSeq < target) {
      // History could not serve it yet (a region catching up): try again on a new connection.
      this.#deps.reconnectNow(
        new ChatError("unavailable", "history is missing messages; retrying"),
      );
      return;
    }
    this.#requestSync(this.#sequencer.lastSeq);
  }

  #accept(messages: Iterable<Message>): void {
    this.#deps.deliver(this.#sequencer.accept(messages));
  }

  #requestSync(afterSeq: Watermark): void {
    this.#syncing = this.#deps.requestSync(afterSeq);
  }
}
