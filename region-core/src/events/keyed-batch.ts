// The one keyed-batch consumer loop (the persister and the notifier both run on it). A consumed
// batch (one partition) is split into per-key queues; keys run with bounded concurrency, each key's
// units strictly in order, and a unit that cannot finish (the consumer stopping, the partition
// taken away) ends its key's queue so nothing of that key runs out of order. Offsets are resolved
// and committed only up to the longest prefix of the batch whose records are done, so what was
// abandoned is delivered again. Heartbeats between units keep a long batch's membership alive.
// Retries sleep on the stop signal (stoppable-retry.ts); dead letters carry their source.
import type { RetryPolicy } from "@edge-chat/protocol";
import { committableOffset, deadLetterHeaders, groupByKey, runBounded } from "./keyed-plan.ts";
import type { ConsumedBatch, ConsumedRecord, EventConsumer, EventPublisher } from "./ports.ts";
import { retryUntilStopped, Stopping } from "./stoppable-retry.ts";

export interface KeyedBatchOptions<Unit> {
  /** For logs ("persister", "notifier"). */
  name: string;
  consumer: EventConsumer;
  deadLetters: EventPublisher;
  /** Keys handled at once within one batch. */
  concurrency: number;
  /** The default policy of `retrying`. */
  retry: RetryPolicy;
  /** One key's records (offset order) as the units applied in order. Pure. */
  plan(queue: readonly ConsumedRecord[]): readonly Unit[];
  /** The offsets a unit settles once `apply` resolves. */
  offsetsOf(unit: Unit): readonly string[];
  /** Applies a unit; a rejection abandons the rest of its key's queue in this batch. */
  apply(batch: ConsumedBatch, unit: Unit): Promise<void>;
  /** After the batch's done prefix is committed (for gauges). */
  afterBatch?(batch: ConsumedBatch): void;
}

export class KeyedBatchRunner<Unit> {
  private readonly options: KeyedBatchOptions<Unit>;
  private readonly stopSignal = new AbortController();

  constructor(options: KeyedBatchOptions<Unit>) {
    this.options = options;
  }

  async start(): Promise<void> {
    await this.options.consumer.run((batch) => this.handleBatch(batch));
  }

  /** Stops fetching and retrying, lets in-flight units finish, commits their offsets, disconnects. */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.options.consumer.stop();
  }

  /** withRetry with a sleep that gives up (throwing `Stopping`) when the runner stops. */
  retrying<T>(
    operation: (attempt: number) => Promise<T>,
    policy: RetryPolicy = this.options.retry,
  ): Promise<T> {
    return retryUntilStopped(this.stopSignal.signal, policy, operation);
  }

  /** Publishes a copy of `record` to the dead-letter topic, labelled with where and why. */
  async deadLetter(
    batch: ConsumedBatch,
    record: ConsumedRecord,
    failure: { code: string; reason: string; headers?: Record<string, string> },
  ): Promise<void> {
    const headers = {
      ...record.headers,
      ...deadLetterHeaders({
        topic: batch.topic,
        partition: batch.partition,
        offset: record.offset,
        reason: failure.reason,
        code: failure.code,
      }),
      ...failure.headers,
    };
    await this.retrying(() =>
      this.options.deadLetters.publish([{ key: record.key ?? "", value: record.value, headers }]),
    );
  }

  private async handleBatch(batch: ConsumedBatch): Promise<void> {
    const { concurrency, plan, offsetsOf, apply, name } = this.options;
    const done = new Set<string>();
    const queues = groupByKey(batch.records, (record) => record.key ?? "");
    await runBounded(queues, concurrency, async (queue) => {
      for (const unit of plan(queue)) {
        if (!batch.isRunning() || batch.isStale()) return;
        try {
          await apply(batch, unit);
          for (const offset of offsetsOf(unit)) done.add(offset);
          await heartbeat(batch);
        } catch (error) {
          // Only stopping (or a failure `apply` could not turn into an outcome) ends up here; the
          // rest of this key's queue must wait, to keep its order.
          if (!(error instanceof Stopping)) console.error(`${name}: record abandoned`, error);
          return;
        }
      }
    });
    const offset = committableOffset(
      batch.records.map((record) => record.offset),
      done,
    );
    if (offset !== null && !batch.isStale()) {
      batch.resolveOffset(offset);
      await batch.commitOffsetsIfNecessary();
    }
    this.options.afterBatch?.(batch);
    await heartbeat(batch);
  }
}

/**
 * Keeps the group membership alive during long batches (the client throttles it). A failure
 * means a rebalance is under way; `isStale()` then stops the batch, so it is not an error here.
 */
async function heartbeat(batch: ConsumedBatch): Promise<void> {
  try {
    await batch.heartbeat();
  } catch {
    // see above
  }
}
