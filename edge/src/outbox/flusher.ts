// Flushes a ConversationDO's outbox to a region: batches in order, deletes rows only after a 2xx
// IngestResult, tries the geo-router's ranked regions in turn, and when all fail records the attempt
// so the alarm retries with jittered backoff. All state (outbox rows, attempts, the router's health
// and breaker state) lives in the DO's storage, so it survives eviction and restarts.
import type { ClientLocation } from "@edge-chat/geo-router";
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
import { flushDueAt, type OutboxSnapshot } from "./policy.ts";
import { failbackPause, rankRegions, routerFor } from "./region.ts";
import { signServiceToken } from "./service-token.ts";

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
  /** A failback waits for the current region to drain; the alarm comes back at `retryAt`. */
  | { kind: "deferred"; batches: number; events: number; retryAt: number }
  | { kind: "failed"; batches: number; events: number; retryAt: number };

export function outboxSnapshot(store: ConversationStore): OutboxSnapshot {
  return { ...store.outboxStats(), retryAt: store.kvGet<number>(SCOPE, "retryAt") };
}

/** When the alarm should next flush; undefined when nothing is due (or no region is configured). */
export function outboxDueAt(deps: Pick<FlushDeps, "store" | "config">, now: number) {
  if (deps.config.regions.length === 0) return undefined;
  return flushDueAt(outboxSnapshot(deps.store), deps.config.outbox, now);
}

/** Remembers where the conversation's clients are, so flushing prefers the nearest region. */
export function rememberLocation(store: ConversationStore, location: ClientLocation): void {
  const current = store.kvGet<ClientLocation>("router", "location");
  if (JSON.stringify(current) !== JSON.stringify(location)) {
    store.kvSet("router", "location", location);
  }
}

export async function flushOutbox(
  deps: FlushDeps,
  conversationId: ConversationId,
): Promise<FlushOutcome> {
  const { store, config } = deps;
  const router = routerFor(config);
  if (!router) return { kind: "no_region" };
  const location = store.kvGet<ClientLocation>("router", "location") ?? {};
  let batches = 0;
  let events = 0;
  let deferredUntil: number | undefined;
  while (batches < MAX_BATCHES_PER_RUN) {
    const rows = store.outboxHead(Math.min(config.outbox.batchSize, LIMITS.maxBatchEvents));
    if (rows.length === 0) break;
    const batch: IngestBatch = {
      batchId: deps.uuid(),
      conversationId,
      events: rows.map((r) => r.event),
    };
    // Read the router state fresh for every batch: other events may have run during the awaits.
    let state = router.restoreState(store.kvGet("router", "state"));
    let delivered = false;
    let token: string | undefined;
    try {
      token = await signServiceToken(config.serviceSigningKey, deps.now());
    } catch (error) {
      console.error("outbox cannot sign service tokens", String(error));
    }
    const lastRegion = store.kvGet<string>("router", "region");
    const ranked = token
      ? rankRegions(router, state, location, deps.now(), lastRegion, config.outbox.failbackAfterMs)
      : [];
    const pauseUntil = failbackPause(
      ranked,
      lastRegion,
      store.kvGet<number>("router", "deliveredAt"),
      config.outbox.failbackDrainMs,
      deps.now(),
    );
    if (pauseUntil !== undefined) {
      deferredUntil = pauseUntil;
      break;
    }
    for (const candidate of ranked) {
      const id = candidate.region.id;
      state = router.recordAttempt(state, id, deps.now());
      const started = deps.now();
      try {
        await postBatch(candidate.region.ingestUrl, batch, token!, deps.fetcher);
        state = router.recordSuccess(state, id, deps.now() - started, deps.now());
        deps.metrics?.record({ stage: "region_call", ms: deps.now() - started, region: id });
        deps.metrics?.record({
          stage: "outbox_age",
          ms: deps.now() - rows[0]!.createdAt,
          region: id,
        });
        if (id !== lastRegion) store.kvSet("router", "region", id);
        store.kvSet("router", "deliveredAt", deps.now());
        delivered = true;
        break;
      } catch (error) {
        state = router.recordFailure(state, id, deps.now());
        deps.metrics?.record({
          stage: "region_call",
          ms: deps.now() - started,
          region: id,
          outcome: "error",
        });
        console.warn(`outbox flush to ${id} failed`, String(error));
      }
    }
    store.kvSet("router", "state", state);
    if (!delivered) {
      const attempts = (store.kvGet<number>(SCOPE, "attempts") ?? 0) + 1;
      const retryAt = deps.now() + backoffDelay(attempts - 1, RETRY);
      store.kvSet(SCOPE, "attempts", attempts);
      store.kvSet(SCOPE, "retryAt", retryAt);
      return { kind: "failed", batches, events, retryAt };
    }
    // Only a confirmed batch leaves the outbox; a crash before this line resends it (idempotent).
    store.deleteOutboxUpTo(rows[rows.length - 1]!.id);
    store.kvSet(SCOPE, "attempts", 0);
    batches++;
    events += rows.length;
  }
  // Messages held back only because they were unsent can now leave the window.
  if (batches > 0) store.trim(config.windowSize);
  if (deferredUntil !== undefined) {
    store.kvSet(SCOPE, "retryAt", deferredUntil);
    return { kind: "deferred", batches, events, retryAt: deferredUntil };
  }
  if (store.kvGet<number>(SCOPE, "retryAt") !== undefined) store.kvDelete(SCOPE, "retryAt");
  return batches === 0 ? { kind: "idle" } : { kind: "flushed", batches, events };
}
