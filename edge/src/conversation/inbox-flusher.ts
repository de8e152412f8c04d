// Delivers a ConversationDO's pending inbox notifications to each member's InboxDO (from the
// alarm). Deliveries are idempotent "set to at least" updates, so a retry after a lost answer is
// harmless; when any delivery fails the rest stay pending and the alarm retries with backoff.
import { backoffDelay, type InboxUpdate } from "@edge-chat/protocol";
import type { EdgeMetrics } from "../metrics/recorder.ts";
import type { InboxOutbox } from "./inbox-outbox.ts";
import type { ConversationStore } from "./store.ts";

const SCOPE = "inbox-outbox";
/** Most members notified per alarm run (the alarm reschedules itself for the rest). */
const MAX_PER_RUN = 256;

export interface InboxFlushDeps {
  outbox: InboxOutbox;
  /** For the retry state (kv). */
  store: ConversationStore;
  deliver: (update: InboxUpdate) => Promise<void>;
  now: () => number;
  metrics?: EdgeMetrics;
}

/** When the alarm should next deliver; undefined when nothing is pending. */
export function inboxDueAt(deps: Pick<InboxFlushDeps, "outbox" | "store">, now: number) {
  if (deps.outbox.count() === 0) return undefined;
  return Math.max(now, deps.store.kvGet<number>(SCOPE, "retryAt") ?? now);
}

export async function flushInbox(
  deps: InboxFlushDeps,
): Promise<{ delivered: number; failed: number }> {
  const pending = deps.outbox.head(MAX_PER_RUN);
  let failed = 0;
  await Promise.all(
    pending.map(async ({ update, version, createdAt }) => {
      try {
        await deps.deliver(update);
        deps.outbox.delivered(update.userId, version);
        deps.metrics?.record({ stage: "inbox_staleness", ms: Math.max(0, deps.now() - createdAt) });
      } catch (error) {
        failed++;
        console.warn(`inbox update for ${update.userId} failed`, String(error));
      }
    }),
  );
  if (failed > 0) {
    const attempts = (deps.store.kvGet<number>(SCOPE, "attempts") ?? 0) + 1;
    deps.store.kvSet(SCOPE, "attempts", attempts);
    deps.store.kvSet(SCOPE, "retryAt", deps.now() + backoffDelay(attempts - 1));
  } else if (deps.store.kvGet<number>(SCOPE, "attempts") !== undefined) {
    deps.store.kvDelete(SCOPE, "attempts");
    deps.store.kvDelete(SCOPE, "retryAt");
  }
  return { delivered: pending.length - failed, failed };
}
