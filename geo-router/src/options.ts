// Tuning knobs for circuit breaking and scoring, with defaults and one validation pass, so a bad
// value (from config or an env var) fails at start-up rather than as odd routing later.
import { z } from "zod";
import { GeoRouterError } from "./errors.ts";

export interface BreakerOptions {
  /** Consecutive failures that open a closed circuit. */
  readonly failureThreshold: number;
  /** Length of the sliding window the failure rate is measured over. */
  readonly windowMs: number;
  /** How many time buckets the window is kept in (bounded state, approximate sliding). */
  readonly windowBuckets: number;
  /** The failure-rate rule only applies once the window holds at least this many outcomes. */
  readonly minRequestsInWindow: number;
  /** Failure rate in the window (0..1) that opens a closed circuit. */
  readonly failureRateThreshold: number;
  /** A closed circuit whose window failure rate exceeds this ranks as degraded. */
  readonly degradedFailureRate: number;
  /** Time an opened circuit waits before letting a probe through (half-open). */
  readonly coolDownMs: number;
  /** Cap for the cool-down, which doubles each time a half-open probe fails. */
  readonly maxCoolDownMs: number;
  /** Probes allowed in flight at once while half-open. */
  readonly halfOpenMaxProbes: number;
  /** A probe whose outcome never arrives (the caller was evicted) frees its slot after this. */
  readonly probeTimeoutMs: number;
  /** Successful probes needed to close a half-open circuit. */
  readonly halfOpenSuccesses: number;
}

export interface ScoringOptions {
  /** Smoothing of the latency EWMA: weight of the newest sample (0..1]. */
  readonly ewmaAlpha: number;
  /** Weight (0..1) of observed latency against the distance estimate when evidence is fresh and full. */
  readonly latencyWeight: number;
  /** Samples after which observed latency earns its full weight (fewer samples: less weight). */
  readonly fullConfidenceSamples: number;
  /** Half-life of latency evidence: older evidence fades back towards the distance estimate. */
  readonly latencyHalfLifeMs: number;
  /** Fixed part of the round-trip estimate (TLS, queueing, last mile). */
  readonly baseRttMs: number;
  /** Round-trip milliseconds per great-circle kilometre (fibre ~0.01, with route inflation more). */
  readonly rttMsPerKm: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
  failureThreshold: 5,
  windowMs: 60_000,
  windowBuckets: 6,
  minRequestsInWindow: 20,
  failureRateThreshold: 0.5,
  degradedFailureRate: 0.1,
  coolDownMs: 10_000,
  maxCoolDownMs: 300_000,
  halfOpenMaxProbes: 1,
  probeTimeoutMs: 15_000,
  halfOpenSuccesses: 1,
};

export const DEFAULT_SCORING_OPTIONS: ScoringOptions = {
  ewmaAlpha: 0.3,
  latencyWeight: 0.7,
  fullConfidenceSamples: 3,
  latencyHalfLifeMs: 300_000,
  baseRttMs: 5,
  rttMsPerKm: 0.015,
};

const positiveInt = z.number().int().min(1);
const positiveMs = z.number().positive().finite();
const fraction = z.number().min(0).max(1);

const breakerSchema = z
  .strictObject({
    failureThreshold: positiveInt,
    windowMs: positiveMs,
    windowBuckets: positiveInt,
    minRequestsInWindow: positiveInt,
    failureRateThreshold: fraction,
    degradedFailureRate: fraction,
    coolDownMs: positiveMs,
    maxCoolDownMs: positiveMs,
    halfOpenMaxProbes: positiveInt,
    probeTimeoutMs: positiveMs,
    halfOpenSuccesses: positiveInt,
  })
  .refine((o) => o.maxCoolDownMs >= o.coolDownMs, {
    message: "maxCoolDownMs must be at least coolDownMs",
    path: ["maxCoolDownMs"],
  });

const scoringSchema = z.strictObject({
  ewmaAlpha: z.number().gt(0).max(1),
  latencyWeight: fraction,
  fullConfidenceSamples: positiveInt,
  latencyHalfLifeMs: positiveMs,
  baseRttMs: z.number().min(0).finite(),
  rttMsPerKm: z.number().min(0).finite(),
});

/** Merges overrides onto the defaults and validates the result. */
export function resolveBreakerOptions(overrides: Partial<BreakerOptions> = {}): BreakerOptions {
  return check(breakerSchema, { ...DEFAULT_BREAKER_OPTIONS, ...overrides }, "breaker");
}

/** Merges overrides onto the defaults and validates the result. */
export function resolveScoringOptions(overrides: Partial<ScoringOptions> = {}): ScoringOptions {
  return check(scoringSchema, { ...DEFAULT_SCORING_OPTIONS, ...overrides }, "scoring");
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`)
    .join("; ");
  throw new GeoRouterError("invalid_router_options", `invalid ${what} options: ${detail}`);
}
