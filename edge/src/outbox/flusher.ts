// Flushes a ConversationDO's region outbox: batches in order, deletes rows only after a 2xx
// IngestResult, sent through the one region client (which ranks, signs and fails over), and when
// every region fails records the attempt so the alarm retries with jittered backoff. All state
// (outbox rows, attempts, the router's health and breaker state, the sticky region) lives in the
// DO's storage, so it survives eviction and restarts.
import {
  backoffDelay,
  type ConversationId,
  DEFAULT_RETRY,
  type IngestBatch,
  LIMITS,
  type RetryPolicy,
} from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import type { ConversationStore } from "../conversation/store.ts";
import type { EdgeMetrics } from "../metrics/recorder.ts";
import { postBatch } from "./ingest-client.ts";
import { RegionClient } from "../region/client.ts";
import { storedRouting } from "../region/router-state.ts";
import { flushDueAt, type OutboxSnapshot } from "./policy.ts";

const SCOPE = "outbox";
/**
 * Retry delays after every region failed. Capped at 5 s rather than the default 30 s: the wait
 * after a region returns is up to one full delay, and acknowledged messages sit in the outbox for
 * all of it (the chaos suite's Kafka restart measured 31 s of drain behind the 30 s cap). A failed
 * attempt costs one refused request per conversation with pending events.
 */
const RETRY: RetryPolicy = { ...DEFAULT_RETRY, maxDelayMs: 5_000 };

/** Most batches one alarm sends before yielding (the alarm reschedules itself for the rest). */
const MAX_BATCHES_PER_RUN = 20;

export interface FlushDeps {
  store: ConversationStore;
  config: Config;
  now: () => number;
  uuid: () => string;
  fetcher?: typeof fetch;
  metrics?: EdgeMetrics;
}

export type FlushOutcome =
  | { kind: "idle" }
  | { kind: "no_region" }
  | { kind: "flushed"; batches: number; events: number }
  | { kind: "failed"; batches: number; events: number; retryAt: number };

export function outboxSnapshot(store: ConversationStore): OutboxSnapshot {
  return { ...store.outboxStats(), retryAt: store.kvGet<number>(SCOPE, "retryAt") };
}

/** When the alarm should next flush; undefined when nothing is due (or no region is configured). */
export function outboxDueAt(deps: Pick<FlushDeps, "store" | "config">, now: number) {
  if (deps.config.regions.length === 0) return undefined;
  return flushDueAt(outboxSnapshot(deps.store), deps.config.outbox, now);
}

export async function flushOutbox(
  deps: FlushDeps,
  conversationId: ConversationId,
): Promise<FlushOutcome> {
  const { store, config, metrics } = deps;
  const routing = storedRouting(store);
  const client = new RegionClient({
    config,
    state: routing.state,
    now: deps.now,
    ...(deps.fetcher ? { fetcher: deps.fetcher } : {}),
    onAttempt: ({ regionId, ms, ok }) =>
      metrics?.record({
        stage: "region_call",
        ms,
        region: regionId,
        ...(ok ? {} : { outcome: "error" as const }),
      }),
  });
  if (!client.configured) return { kind: "no_region" };
  let batches = 0;
  let events = 0;
  while (batches < MAX_BATCHES_PER_RUN) {
    const rows = store.outboxHead(Math.min(config.outbox.batchSize, LIMITS.maxBatchEvents));
    if (rows.length === 0) break;
    const batch: IngestBatch = {
      batchId: deps.uuid(),
      conversationId,
      events: rows.map((r) => r.event),
    };
    let regionId: string;
    try {
      ({ regionId } = await client.call(
        { what: "outbox flush", location: routing.location(), stickTo: routing.writer() },
        ({ region, token, fetcher }) => postBatch(region.ingestUrl, batch, token, fetcher),
      ));
    } catch (error) {
      console.warn("outbox flush failed everywhere", String(error));
      const attempts = (store.kvGet<number>(SCOPE, "attempts") ?? 0) + 1;
      const retryAt = deps.now() + backoffDelay(attempts - 1, RETRY);
      store.kvSet(SCOPE, "attempts", attempts);
      store.kvSet(SCOPE, "retryAt", retryAt);
      return { kind: "failed", batches, events, retryAt };
    }
    metrics?.record({ stage: "outbox_age", ms: deps.now() - rows[0]!.createdAt, region: regionId });
    routing.setWriter(regionId);
    // Only a confirmed batch leaves the outbox; a crash before this line resends it (idempotent).
    store.deleteOutboxUpTo(rows[rows.length - 1]!.id);
    store.kvSet(SCOPE, "attempts", 0);
    batches++;
    events += rows.length;
  }
  if (store.kvGet<number>(SCOPE, "retryAt") !== undefined) store.kvDelete(SCOPE, "retryAt");
  // Messages held back only because they were unsent can now leave the window.
  if (batches > 0) store.trim(config.windowSize);
  return batches === 0 ? { kind: "idle" } : { kind: "flushed", batches, events };
}
