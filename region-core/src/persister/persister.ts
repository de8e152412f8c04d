// The persister: a consumer-group member that applies event-log records to storage, on the keyed
// batch loop (events/keyed-batch.ts: per conversation in order, conversations with bounded
// concurrency, offsets committed only up to the last record whose writes succeeded). A
// conversation's consecutive messages and receipts are coalesced into one write step (coalesce.ts:
// O(1) state writes per step, whatever the group size); poison records go to the dead-letter topic
// instead of blocking the partition.
import { ChatError, DEFAULT_RETRY, type RegionEvent, type RetryPolicy } from "@edge-chat/protocol";
import type {
  ConsumedBatch,
  ConsumedRecord,
  EventConsumer,
  EventPublisher,
} from "../events/ports.ts";
import { KeyedBatchRunner } from "../events/keyed-batch.ts";
import { Stopping } from "../events/stoppable-retry.ts";
import type { ReferenceStore } from "../media/references.ts";
import type { Metrics } from "../metrics.ts";
import type { Repositories } from "../repositories/ports.ts";
import { applyStep } from "./apply.ts";
import { coalesce, type Step } from "./coalesce.ts";
import { decodeRecord, escalate } from "./records.ts";

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
  private readonly runner: KeyedBatchRunner<Work>;

  constructor(options: PersisterOptions) {
    this.options = options;
    this.runner = new KeyedBatchRunner<Work>({
      name: "persister",
      consumer: options.consumer,
      deadLetters: options.deadLetters,
      concurrency: options.concurrency,
      retry: options.retry ?? { ...DEFAULT_RETRY, maxDelayMs: 5_000 },
      plan,
      offsetsOf: (work) =>
        work.kind === "poison"
          ? [work.record.offset]
          : work.items.map((item) => item.record.offset),
      apply: (batch, work) =>
        work.kind === "poison"
          ? this.deadLetter(batch, work.record, "invalid_request", work.reason)
          : this.applyOrSplit(batch, work),
      afterBatch: (batch) =>
        options.metrics.consumerLag.set(
          { partition: String(batch.partition) },
          Number(batch.offsetLag()),
        ),
    });
  }

  async start(): Promise<void> {
    await this.runner.start();
  }

  /** Stops fetching, lets in-flight writes finish, commits their offsets, disconnects. */
  async stop(): Promise<void> {
    await this.runner.stop();
  }

  /**
   * Applies a step with retries. A permanent failure of a step of several records says only that
   * one of them is bad: they are then applied one by one, so only the bad one is dead-lettered.
   */
  private async applyOrSplit(batch: ConsumedBatch, step: Step<Valid>): Promise<void> {
    try {
      await this.runner.retrying((attempt) =>
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
    await this.runner.deadLetter(batch, record, { code, reason });
    this.options.metrics.deadLetters.inc();
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
