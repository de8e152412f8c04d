// Runs a ConversationDO's region outbox flushes one at a time, started as soon as an event is due
// rather than when the alarm fires. Measured (bench e2e-lag, 20 msg/s): with every flush inside the
// alarm, edge ack → ingest was p50 81 ms, p99 669 ms, because a message that arrived during a flush
// waited for the whole alarm (the inbox tick's RPCs and the metrics post beside the flush) and then
// for workerd to fire the next one. The pump starts the flush from the send itself and, after each
// flush, sends what arrived meanwhile at once: lag is one round trip plus the batch in flight.
//
// One flush at a time per conversation (the alarm joins the run in flight for one flush, round()),
// so batches leave in outbox order. Nothing here is durable: the DO keeps an alarm set as a
// backstop (eviction mid-flush, a thrown error), and retries after failures stay on the alarm.
import type { FlushOutcome } from "./flusher.ts";

export interface OutboxPumpDeps {
  /** True when the outbox has events due now (none pending a retry). */
  due(): boolean;
  flush(): Promise<FlushOutcome>;
  /** After a run ends, whatever its outcome (the DO sets its alarm for what is left). */
  settled(): void;
}

export class OutboxPump {
  private readonly deps: OutboxPumpDeps;
  private running: Promise<void> | undefined;
  /** Callers of round() waiting for the flush in flight to end. */
  private waiters: (() => void)[] = [];

  constructor(deps: OutboxPumpDeps) {
    this.deps = deps;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Starts a run unless one is in flight; resolves when that run ends. Never rejects. */
  run(): Promise<void> {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      this.wake(); // a round() that joined after the loop's last flush
      this.deps.settled();
    });
    return this.running;
  }

  /**
   * Starts a run if needed and resolves when the flush in flight (or the first one) ends, not the
   * whole run: under a steady stream a run goes on as long as messages keep coming, and the alarm
   * that awaits this must return to serve the inbox tick and typing expiry. Never rejects.
   */
  round(): Promise<void> {
    if (!this.running && !this.deps.due()) return Promise.resolve();
    const ended = new Promise<void>((resolve) => this.waiters.push(resolve));
    void this.run();
    return ended;
  }

  private async loop(): Promise<void> {
    try {
      // Only a run that sent something goes round again: a failure, a deferral or an empty
      // outbox ends it, and the alarm takes over at the retry time.
      while (this.deps.due()) {
        const outcome = await this.deps.flush();
        this.wake();
        if (outcome.kind !== "flushed") return;
      }
    } catch (error) {
      // The outbox keeps its rows; the backstop alarm runs the flush again.
      console.warn("outbox flush threw", String(error));
    } finally {
      this.wake();
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * While the pump runs, the DO's alarm is set this far ahead: if the object is evicted mid-flush or
 * a flush throws, the alarm sends the events then. Normally it finds nothing due.
 */
export const REGION_OUTBOX_BACKSTOP_MS = 2_000;
