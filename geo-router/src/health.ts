// Per-region health: a circuit breaker (closed → open → half-open → closed), a bucketed sliding
// window of outcomes, and an EWMA of round-trip latency. Everything is a plain serialisable value
// and every function is pure: the caller passes `now` (read from its injected clock) and keeps the
// returned value, so a Durable Object can store it and pick it up again after an eviction.
import type { BreakerOptions, ScoringOptions } from "./options.ts";

/** The stored circuit state. "half-open" is not stored: it is an open circuit whose cool-down ended. */
export type StoredCircuit = "closed" | "open";

/** The circuit as seen at a moment in time. */
export type CircuitPhase = "closed" | "open" | "half-open";

/** How routing treats a region right now. */
export type HealthTier = "healthy" | "degraded" | "unavailable";

export interface OutcomeBucket {
  /** Start of the bucket's time slice (a multiple of the bucket width). */
  readonly start: number;
  readonly successes: number;
  readonly failures: number;
}

export interface LatencyEstimate {
  /** Exponentially weighted moving average of round-trip samples. */
  readonly ewmaMs: number;
  /** Samples folded in so far (capped: it only feeds a confidence ramp). */
  readonly samples: number;
  /** When the newest sample was taken. */
  readonly lastSampleAt: number;
}

export interface RegionHealth {
  readonly circuit: StoredCircuit;
  /** While open: when the cool-down ends and probing (half-open) may begin. */
  readonly openUntil: number | null;
  /** Failed half-open probes since the circuit last closed; doubles the cool-down each time. */
  readonly reopenCount: number;
  readonly consecutiveFailures: number;
  /** Successful probes in the current half-open phase. */
  readonly halfOpenSuccesses: number;
  /** Start times of probes in flight in the current half-open phase. */
  readonly probeStarts: readonly number[];
  readonly window: readonly OutcomeBucket[];
  readonly latency: LatencyEstimate | null;
  /** When the last failure was noted (null: none since the circuit last closed from half-open). */
  readonly lastFailureAt: number | null;
}

const MAX_COUNTED_SAMPLES = 1_000_000;

export const FRESH_HEALTH: RegionHealth = {
  circuit: "closed",
  openUntil: null,
  reopenCount: 0,
  consecutiveFailures: 0,
  halfOpenSuccesses: 0,
  probeStarts: [],
  window: [],
  latency: null,
  lastFailureAt: null,
};

/** The circuit phase at `now`. */
export function circuitPhase(health: RegionHealth, now: number): CircuitPhase {
  if (health.circuit === "closed") return "closed";
  return health.openUntil !== null && now >= health.openUntil ? "half-open" : "open";
}

/** Probes still in flight at `now` (a probe older than probeTimeoutMs is presumed lost). */
export function activeProbes(health: RegionHealth, now: number, breaker: BreakerOptions): number {
  return health.probeStarts.filter((start) => now - start < breaker.probeTimeoutMs).length;
}

/** Successes and failures inside the window ending at `now`. */
export function windowTotals(
  health: RegionHealth,
  now: number,
  breaker: BreakerOptions,
): { successes: number; failures: number } {
  let successes = 0;
  let failures = 0;
  for (const bucket of pruneWindow(health.window, now, breaker)) {
    successes += bucket.successes;
    failures += bucket.failures;
  }
  return { successes, failures };
}

/**
 * The routing tier: healthy (closed, clean), degraded (closed but failing lately, or half-open with
 * a probe slot free: worth one careful try), unavailable (open, or half-open with its probes in use).
 */
export function healthTier(health: RegionHealth, now: number, breaker: BreakerOptions): HealthTier {
  switch (circuitPhase(health, now)) {
    case "open":
      return "unavailable";
    case "half-open":
      return activeProbes(health, now, breaker) < breaker.halfOpenMaxProbes
        ? "degraded"
        : "unavailable";
    case "closed": {
      if (health.consecutiveFailures > 0) return "degraded";
      const { successes, failures } = windowTotals(health, now, breaker);
      const total = successes + failures;
      return total > 0 && failures / total > breaker.degradedFailureRate ? "degraded" : "healthy";
    }
  }
}

/**
 * Notes that the caller is about to send a request to this region. Only matters half-open, where it
 * takes one of the limited probe slots, so concurrent callers sharing this state do not all probe.
 */
export function noteAttempt(
  health: RegionHealth,
  now: number,
  breaker: BreakerOptions,
): RegionHealth {
  if (circuitPhase(health, now) !== "half-open") return health;
  const live = health.probeStarts.filter((start) => now - start < breaker.probeTimeoutMs);
  return { ...health, probeStarts: [...live, now] };
}

/** Folds in a successful round trip that took `latencyMs`. */
export function noteSuccess(
  health: RegionHealth,
  latencyMs: number,
  now: number,
  breaker: BreakerOptions,
  scoring: ScoringOptions,
): RegionHealth {
  const latency = foldLatency(health.latency, latencyMs, now, scoring);
  const window = addOutcome(health.window, now, breaker, "success");
  const phase = circuitPhase(health, now);
  if (phase === "closed") {
    return { ...health, latency, window, consecutiveFailures: 0 };
  }
  if (phase === "open") {
    // A late answer to a request sent before the circuit opened: it proves little about now, so
    // the cool-down runs its course; the latency sample still counts.
    return { ...health, latency, window, consecutiveFailures: 0 };
  }
  const halfOpenSuccesses = health.halfOpenSuccesses + 1;
  if (halfOpenSuccesses >= breaker.halfOpenSuccesses) {
    // Recovered: start from a clean slate, or the failures that opened the circuit would still sit
    // in the window and trip the rate rule again at once.
    return { ...FRESH_HEALTH, latency };
  }
  return {
    ...health,
    latency,
    window,
    consecutiveFailures: 0,
    halfOpenSuccesses,
    probeStarts: health.probeStarts.slice(1),
  };
}

/** Folds in a failed request (error, timeout, 5xx: the caller decides what counts). */
export function noteFailure(
  health: RegionHealth,
  now: number,
  breaker: BreakerOptions,
): RegionHealth {
  const window = addOutcome(health.window, now, breaker, "failure");
  const consecutiveFailures = health.consecutiveFailures + 1;
  const lastFailureAt = Math.max(health.lastFailureAt ?? now, now);
  const phase = circuitPhase(health, now);
  if (phase === "open") {
    // Late failures of requests sent before opening change nothing: the circuit is already open.
    return { ...health, window, consecutiveFailures, lastFailureAt };
  }
  if (phase === "half-open") {
    const reopenCount = health.reopenCount + 1;
    return {
      ...health,
      window,
      consecutiveFailures,
      lastFailureAt,
      circuit: "open",
      openUntil: now + coolDown(reopenCount, breaker),
      reopenCount,
      halfOpenSuccesses: 0,
      probeStarts: [],
    };
  }
  const updated = { ...health, window, consecutiveFailures, lastFailureAt };
  if (shouldTrip(updated, now, breaker)) {
    return {
      ...updated,
      circuit: "open",
      openUntil: now + coolDown(0, breaker),
      reopenCount: 0,
      halfOpenSuccesses: 0,
      probeStarts: [],
    };
  }
  return updated;
}

function shouldTrip(health: RegionHealth, now: number, breaker: BreakerOptions): boolean {
  if (health.consecutiveFailures >= breaker.failureThreshold) return true;
  const { successes, failures } = windowTotals(health, now, breaker);
  const total = successes + failures;
  return total >= breaker.minRequestsInWindow && failures / total >= breaker.failureRateThreshold;
}

/** Exponential back-off of the cool-down for repeatedly failing probes, capped. */
function coolDown(reopenCount: number, breaker: BreakerOptions): number {
  return Math.min(breaker.maxCoolDownMs, breaker.coolDownMs * 2 ** Math.min(reopenCount, 30));
}

function foldLatency(
  previous: LatencyEstimate | null,
  latencyMs: number,
  now: number,
  scoring: ScoringOptions,
): LatencyEstimate | null {
  // A negative or non-finite duration is a measuring bug (clock skew), not evidence.
  if (!Number.isFinite(latencyMs) || latencyMs < 0) return previous;
  if (previous === null) return { ewmaMs: latencyMs, samples: 1, lastSampleAt: now };
  return {
    ewmaMs: scoring.ewmaAlpha * latencyMs + (1 - scoring.ewmaAlpha) * previous.ewmaMs,
    samples: Math.min(previous.samples + 1, MAX_COUNTED_SAMPLES),
    lastSampleAt: Math.max(previous.lastSampleAt, now),
  };
}

function pruneWindow(
  window: readonly OutcomeBucket[],
  now: number,
  breaker: BreakerOptions,
): readonly OutcomeBucket[] {
  return window.filter((bucket) => bucket.start > now - breaker.windowMs);
}

function addOutcome(
  window: readonly OutcomeBucket[],
  now: number,
  breaker: BreakerOptions,
  outcome: "success" | "failure",
): readonly OutcomeBucket[] {
  const width = breaker.windowMs / breaker.windowBuckets;
  const kept = pruneWindow(window, now, breaker);
  const last = kept.at(-1);
  const start = Math.floor(now / width) * width;
  // A clock that steps back (another isolate, a restored state) lands in the newest bucket.
  if (last !== undefined && last.start >= start) {
    const merged: OutcomeBucket = {
      start: last.start,
      successes: last.successes + (outcome === "success" ? 1 : 0),
      failures: last.failures + (outcome === "failure" ? 1 : 0),
    };
    return [...kept.slice(0, -1), merged];
  }
  const fresh: OutcomeBucket = {
    start,
    successes: outcome === "success" ? 1 : 0,
    failures: outcome === "failure" ? 1 : 0,
  };
  return [...kept, fresh];
}
