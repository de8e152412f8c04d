// What `npm start` does when one of its children exits: a pure decision, so it is unit-tested
// without processes. A child that ran for a while and crashed is restarted at once-ish; one that
// keeps crashing right after start is restarted with growing, jittered delays (the project's one
// retry policy), and after too many quick crashes in a row it is given up on (a bad configuration
// should stop `npm start` with its log, not spin forever).
import { backoffDelay, type RetryPolicy } from "@edge-chat/protocol";

export interface SupervisorPolicy {
  backoff: RetryPolicy;
  /** A run at least this long counts as healthy: the backoff starts over. */
  stableAfterMs: number;
  /** Quick crashes in a row after which the child is given up on. */
  maxQuickCrashes: number;
}

export const SUPERVISOR_POLICY: SupervisorPolicy = {
  backoff: { initialDelayMs: 500, factor: 2, maxDelayMs: 15_000, maxAttempts: Infinity },
  stableAfterMs: 30_000,
  maxQuickCrashes: 8,
};

export type ExitDecision =
  | { action: "restart"; delayMs: number; quickCrashes: number }
  | { action: "give_up"; quickCrashes: number };

/** `quickCrashes`: crashes in a row so far, each after less than stableAfterMs of running. */
export function onChildExit(
  quickCrashes: number,
  uptimeMs: number,
  policy: SupervisorPolicy = SUPERVISOR_POLICY,
  random: () => number = Math.random,
): ExitDecision {
  const streak = uptimeMs >= policy.stableAfterMs ? 0 : quickCrashes + 1;
  if (streak >= policy.maxQuickCrashes) return { action: "give_up", quickCrashes: streak };
  return {
    action: "restart",
    delayMs: backoffDelay(Math.max(0, streak - 1), policy.backoff, random),
    quickCrashes: streak,
  };
}
