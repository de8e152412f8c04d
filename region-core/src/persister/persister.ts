// The persister: a consumer-group member that applies event-log records to storage. Within a batch
// (one partition), records are queued per conversation: conversations run with bounded concurrency,
// each one strictly in order. Offsets are resolved and committed only up to the last record whose
// writes succeeded; poison records go to the dead-letter topic instead of blocking the partition.
import { ChatError, DEFAULT_RETRY, type RetryPolicy } from "@edge-chat/protocol";
import type {
  ConsumedBatch,
  ConsumedRecord,
  EventConsumer,
  EventPublisher,
} from "../events/ports.ts";
import { retryUntilStopped, Stopping } from "../events/stoppable-retry.ts";
import type { Metrics } from "../metrics.ts";
import type { Repositories } from "../repositories/ports.ts";
import { applyEvent } from "./apply.ts";
import { committableOffset, groupByKey, runBounded } from "./plan.ts";
import { deadLetterHeaders, decodeRecord, escalate } from "./records.ts";

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
      for (const record of queue) {
        if (!batch.isRunning() || batch.isStale()) return;
        try {
          await this.handleRecord(batch, record);
          done.add(record.offset);
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

  private async handleRecord(batch: ConsumedBatch, record: ConsumedRecord): Promise<void> {
    const decoded = decodeRecord(record.key, record.value);
    if (decoded.kind === "poison") {
      await this.deadLetter(batch, record, "invalid_request", decoded.reason);
      return;
    }
    try {
      await this.retrying((attempt) =>
        applyEvent(this.options.repositories, decoded.event).catch((error: unknown) => {
          throw escalate(error, attempt, this.options.maxUnknownAttempts);
        }),
      );
      this.options.metrics.persistedRecords.inc({ type: decoded.event.type });
    } catch (error) {
      if (error instanceof Stopping || !(error instanceof ChatError) || error.retriable)
        throw error;
      await this.deadLetter(batch, record, error.code, error.message);
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
