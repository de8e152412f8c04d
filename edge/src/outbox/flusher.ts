// Flushes a ConversationDO's outbox to a region: batches in order, deletes rows only after a 2xx
// IngestResult, and on failure records the attempt and the region's breaker so the alarm retries
// with jittered backoff. All state lives in the DO's storage, so it survives eviction and restarts.
import { backoffDelay, type ConversationId, type IngestBatch, LIMITS } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import type { ConversationStore } from "../conversation/store.ts";
import { postBatch } from "./ingest-client.ts";
import {
  type BreakerState,
  CLOSED,
  flushDueAt,
  type OutboxSnapshot,
  recordFailure,
  recordSuccess,
} from "./policy.ts";
import { chooseRegion } from "./region.ts";
import { signServiceToken } from "./service-token.ts";

const SCOPE = "outbox";
/** Most batches one alarm sends before yielding (the alarm reschedules itself for the rest). */
const MAX_BATCHES_PER_RUN = 20;

export interface FlushDeps {
  store: ConversationStore;
  config: Config;
  now: () => number;
  uuid: () => string;
  fetcher?: typeof fetch;
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

export function breakerOf(store: ConversationStore, regionId: string): BreakerState {
  return store.kvGet<BreakerState>("breaker", regionId) ?? CLOSED;
}

export async function flushOutbox(
  deps: FlushDeps,
  conversationId: ConversationId,
): Promise<FlushOutcome> {
  const { store, config } = deps;
  if (config.regions.length === 0) return { kind: "no_region" };
  let batches = 0;
  let events = 0;
  while (batches < MAX_BATCHES_PER_RUN) {
    const rows = store.outboxHead(Math.min(config.outbox.batchSize, LIMITS.maxBatchEvents));
    if (rows.length === 0) break;
    const region = chooseRegion(config.regions, (id) => breakerOf(store, id), deps.now());
    if (!region) return { kind: "no_region" };
    const batch: IngestBatch = {
      batchId: deps.uuid(),
      conversationId,
      events: rows.map((r) => r.event),
    };
    try {
      const token = await signServiceToken(config.serviceSigningKey, deps.now());
      await postBatch(region.ingestUrl, batch, token, deps.fetcher);
    } catch (error) {
      const attempts = (store.kvGet<number>(SCOPE, "attempts") ?? 0) + 1;
      const retryAt = deps.now() + backoffDelay(attempts - 1);
      store.kvSet(SCOPE, "attempts", attempts);
      store.kvSet(SCOPE, "retryAt", retryAt);
      store.kvSet("breaker", region.id, recordFailure(breakerOf(store, region.id), deps.now()));
      console.warn(`outbox flush to ${region.id} failed (attempt ${attempts})`, String(error));
      return { kind: "failed", batches, events, retryAt };
    }
    // Only a confirmed batch leaves the outbox; a crash before this line resends it (idempotent).
    store.deleteOutboxUpTo(rows[rows.length - 1]!.id);
    store.kvSet(SCOPE, "attempts", 0);
    store.kvSet("breaker", region.id, recordSuccess());
    batches++;
    events += rows.length;
  }
  clearRetry(store);
  // Messages held back only because they were unsent can now leave the window.
  if (batches > 0) store.trim(config.windowSize);
  return batches === 0 ? { kind: "idle" } : { kind: "flushed", batches, events };
}

function clearRetry(store: ConversationStore): void {
  if (store.kvGet<number>(SCOPE, "retryAt") !== undefined) store.kvDelete(SCOPE, "retryAt");
}
