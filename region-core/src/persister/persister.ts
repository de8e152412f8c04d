// The persister: a consumer-group member that applies event-log records to storage. Within a batch
// (one partition), records are queued per conversation: conversations run with bounded concurrency,
// each one strictly in order, its consecutive messages and receipts coalesced into one write step
// (coalesce.ts: O(1) state writes per step, whatever the group size). Offsets are resolved and
// committed only up to the last record whose writes succeeded; poison records go to the
// dead-letter topic instead of blocking the partition.
import { ChatError, DEFAULT_RETRY, type RegionEvent, type RetryPolicy } from "@edge-chat/protocol";
import type {
  ConsumedBatch,
  ConsumedRecord,
  EventConsumer,
  EventPublisher,
} from "../events/ports.ts";
import { retryUntilStopped, Stopping } from "../events/stoppable-retry.ts";
import type { ReferenceStore } from "../media/references.ts";
import type { Metrics } from "../metrics.ts";
import type { Repositories } from "../repositories/ports.ts";
import { applyStep } from "./apply.ts";
import { coalesce, type Step } from "./coalesce.ts";
import { committableOffset, groupByKey, runBounded } from "./plan.ts";
import { deadLetterHeaders, decodeRecord, escalate } from "./records.ts";

/** A decoded record, ready to be coalesced. */
interface Valid {
  record: ConsumedRecord;
  event: RegionEvent;
}

/** What one conversation's queue turns into, in record order. */
type Work = Step<Valid> | { kind: "poison"; record: ConsumedRecord; reason: string };

export interface PersisterOptions {
  consumer: EventConsumer;
  deadLetters: EventPublisher;
  repositories: Repositories;
  metrics: Metrics;
  /** Conversations applied at once within one batch. */
  concurrency: number;
  /** Attempts for an unexpected (non-ChatError) failure before it is dead-lettered. */
  maxUnknownAttempts: number;
  retry?: RetryPolicy;
  /**
   * The media store: a media message marks its objects referenced (the sweeper keeps those), a
   * delete for everyone removes them and their marks. None: nothing is marked or removed.
   */
  media?: ReferenceStore;
}

export class Persister {
  private readonly options: PersisterOptions;
  private readonly stopSignal = new AbortController();

  constructor(options: PersisterOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    await this.options.consumer.run((batch) => this.handleBatch(batch));
  }

  /** Stops fetching, lets in-flight writes finish, commits their offsets, disconnects. */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.options.consumer.stop();
  }

  private async handleBatch(batch: ConsumedBatch): Promise<void> {
    const done = new Set<string>();
    const queues = groupByKey(batch.records, (record) => record.key ?? "");
    await runBounded(queues, this.options.concurrency, async (queue) => {
      for (const work of plan(queue)) {
        if (!batch.isRunning() || batch.isStale()) return;
        try {
          if (work.kind === "poison") {
            await this.deadLetter(batch, work.record, "invalid_request", work.reason);
            done.add(work.record.offset);
          } else {
            await this.applyOrSplit(batch, work);
            for (const item of work.items) done.add(item.record.offset);
          }
          await this.heartbeat(batch);
        } catch (error) {
          // Only stopping (or a dead-letter publish that cannot get through while stopping) ends
          // up here; the rest of this conversation's queue must wait, to keep its order.
          if (!(error instanceof Stopping)) console.error("persister: record abandoned", error);
          return;
        }
      }
    });
    const offset = committableOffset(
      batch.records.map((r) => r.offset),
      done,
    );
    if (offset !== null && !batch.isStale()) {
      batch.resolveOffset(offset);
      await batch.commitOffsetsIfNecessary();
    }
    this.options.metrics.consumerLag.set(
      { partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
    await this.heartbeat(batch);
  }

  /**
   * Keeps the group membership alive during long batches (the client throttles it). A failure
   * means a rebalance is under way; `isStale()` then stops the batch, so it is not an error here.
   */
  private async heartbeat(batch: ConsumedBatch): Promise<void> {
    try {
      await batch.heartbeat();
    } catch {
      // see above
    }
  }

  /**
   * Applies a step with retries. A permanent failure of a step of several records says only that
   * one of them is bad: they are then applied one by one, so only the bad one is dead-lettered.
   */
  private async applyOrSplit(batch: ConsumedBatch, step: Step<Valid>): Promise<void> {
    try {
      await this.retrying((attempt) =>
        applyStep(this.options.repositories, step, this.options.media).catch((error: unknown) => {
          throw escalate(error, attempt, this.options.maxUnknownAttempts);
        }),
      );
      for (const item of step.items) {
        this.options.metrics.persistedRecords.inc({ type: item.event.type });
      }
    } catch (error) {
      if (error instanceof Stopping || !(error instanceof ChatError) || error.retriable)
        throw error;
      if (step.items.length > 1) {
        for (const single of coalesce(step.items, (item) => item.event, 1)) {
          await this.applyOrSplit(batch, single);
        }
        return;
      }
      await this.deadLetter(batch, step.items[0]!.record, error.code, error.message);
    }
  }

  private async deadLetter(
    batch: ConsumedBatch,
    record: ConsumedRecord,
    code: string,
    reason: string,
  ): Promise<void> {
    const headers = {
      ...record.headers,
      ...deadLetterHeaders({
        topic: batch.topic,
        partition: batch.partition,
        offset: record.offset,
        reason,
        code,
      }),
    };
    await this.retrying(() =>
      this.options.deadLetters.publish([{ key: record.key ?? "", value: record.value, headers }]),
    );
    this.options.metrics.deadLetters.inc();
  }

  /** withRetry with a sleep that gives up when the persister stops. */
  private retrying<T>(operation: (attempt: number) => Promise<T>): Promise<T> {
    return retryUntilStopped(
      this.stopSignal.signal,
      this.options.retry ?? { ...DEFAULT_RETRY, maxDelayMs: 5_000 },
      operation,
    );
  }
}

/** Decodes a conversation's records and coalesces the valid runs between poison records. */
function plan(queue: readonly ConsumedRecord[]): Work[] {
  const work: Work[] = [];
  let run: Valid[] = [];
  const flush = () => {
    work.push(...coalesce(run, (item) => item.event));
    run = [];
  };
  for (const record of queue) {
    const decoded = decodeRecord(record.key, record.value);
    if (decoded.kind === "poison") {
      flush();
      work.push({ kind: "poison", record, reason: decoded.reason });
    } else run.push({ record, event: decoded.event });
  }
  flush();
  return work;
}
