// Flushes a ConversationDO's region outbox: batches in order, deletes rows only after a 2xx
// IngestResult, sent through the one region client (which ranks, signs and fails over), and when
// every region fails records the attempt so the alarm retries with jittered backoff. All state
// (outbox rows, attempts, the router's health and breaker state, the sticky region) lives in the
// DO's storage, so it survives eviction and restarts.
import { type ConversationId, type IngestBatch, LIMITS } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import type { ConversationStore } from "../conversation/store.ts";
import type { EdgeMetrics } from "../metrics/recorder.ts";
import { postBatch } from "./ingest-client.ts";
import { RegionClient } from "../region/client.ts";
import { failbackPause } from "../region/failback.ts";
import { storedRouting } from "../region/router-state.ts";
import { flushDueAt, type RegionOutboxSnapshot } from "./policy.ts";

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
  /** A failback waits for the current region to drain; the alarm comes back at `retryAt`. */
  | { kind: "deferred"; batches: number; events: number; retryAt: number }
  | { kind: "failed"; batches: number; events: number; retryAt: number };

export function regionOutboxSnapshot(store: ConversationStore): RegionOutboxSnapshot {
  return { ...store.regionOutbox.stats(), retryAt: store.regionOutbox.retry.retryAt() };
}

/** When the alarm should next flush; undefined when nothing is due (or no region is configured). */
export function regionOutboxDueAt(deps: Pick<FlushDeps, "store" | "config">, now: number) {
  if (deps.config.regions.length === 0) return undefined;
  return flushDueAt(regionOutboxSnapshot(deps.store), deps.config.regionOutbox, now);
}

export async function flushRegionOutbox(
  deps: FlushDeps,
  conversationId: ConversationId,
): Promise<FlushOutcome> {
  const { store, config, metrics } = deps;
  const outbox = store.regionOutbox;
  const routing = storedRouting(store.kv);
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
    const rows = outbox.head(Math.min(config.regionOutbox.batchSize, LIMITS.maxBatchEvents));
    if (rows.length === 0) break;
    const batch: IngestBatch = {
      batchId: deps.uuid(),
      conversationId,
      events: rows.map((r) => r.event),
    };
    const options = {
      what: "region outbox flush",
      location: routing.location(),
      stickTo: routing.writer(),
      failbackAfterMs: config.regionOutbox.failbackAfterMs,
    };
    const pauseUntil = failbackPause(
      client.rank(options),
      options.stickTo,
      routing.deliveredAt(),
      config.regionOutbox.failbackDrainMs,
      deps.now(),
    );
    if (pauseUntil !== undefined) {
      if (batches > 0) store.trim(config.windowSize);
      outbox.retry.deferUntil(pauseUntil);
      return { kind: "deferred", batches, events, retryAt: pauseUntil };
    }
    let regionId: string;
    try {
      ({ regionId } = await client.call(options, ({ region, token, fetcher }) =>
        postBatch(region.ingestUrl, batch, token, fetcher),
      ));
    } catch (error) {
      console.warn("region outbox flush failed everywhere", String(error));
      const retryAt = outbox.retry.failed(deps.now());
      return { kind: "failed", batches, events, retryAt };
    }
    metrics?.record({
      stage: "region_outbox_age",
      ms: deps.now() - rows[0]!.createdAt,
      region: regionId,
    });
    routing.delivered(regionId, deps.now());
    // Only a confirmed batch leaves the outbox; a crash before this line resends it (idempotent).
    outbox.deleteUpTo(rows[rows.length - 1]!.id);
    outbox.retry.succeeded();
    batches++;
    events += rows.length;
  }
  // Messages held back only because they were unsent can now leave the window.
  if (batches > 0) store.trim(config.windowSize);
  return batches === 0 ? { kind: "idle" } : { kind: "flushed", batches, events };
}
