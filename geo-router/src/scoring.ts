// Scoring: one number per region, in milliseconds of expected round trip, lower is better.
//
//   estimatedRttMs = baseRttMs + rttMsPerKm × haversineKm(client, region)
//   weight         = latencyWeight × min(1, samples / fullConfidenceSamples)
//                                  × 0.5 ^ (ageOfNewestSample / latencyHalfLifeMs)
//   scoreMs        = (1 − weight) × estimatedRttMs + weight × ewmaMs      (no samples: weight = 0)
//
// Distance is the prior (what the round trip should cost); observed latency is the evidence (what it
// did cost). Both are milliseconds, so a weighted mean is meaningful, and with the default weight
// of 0.7 a far region answering in 80 ms beats a near one answering in 400 ms. Evidence fades with a
// half-life, so a region that was slow once is not shunned forever just because, never chosen, it
// is never measured again.
import type { GeoPoint } from "./catalog.ts";
import { haversineKm } from "./geo.ts";
import type { LatencyEstimate } from "./health.ts";
import type { ScoringOptions } from "./options.ts";

export interface Score {
  readonly distanceKm: number;
  readonly estimatedRttMs: number;
  /** The latency EWMA, or null when the region has never been measured. */
  readonly observedRttMs: number | null;
  /** How much the observed latency counted (0..latencyWeight). */
  readonly latencyWeight: number;
  readonly scoreMs: number;
}

/** Round-trip estimate from distance alone. */
export function estimateRttMs(distanceKm: number, scoring: ScoringOptions): number {
  return scoring.baseRttMs + scoring.rttMsPerKm * distanceKm;
}

/** How much observed latency should count, given how much and how fresh the evidence is. */
export function latencyEvidenceWeight(
  latency: LatencyEstimate | null,
  now: number,
  scoring: ScoringOptions,
): number {
  if (latency === null) return 0;
  const confidence = Math.min(1, latency.samples / scoring.fullConfidenceSamples);
  const age = Math.max(0, now - latency.lastSampleAt);
  const freshness = 0.5 ** (age / scoring.latencyHalfLifeMs);
  return scoring.latencyWeight * confidence * freshness;
}

/** Scores one region for a client at `from`. */
export function scoreRegion(
  from: GeoPoint,
  regionLocation: GeoPoint,
  latency: LatencyEstimate | null,
  now: number,
  scoring: ScoringOptions,
): Score {
  const distanceKm = haversineKm(from, regionLocation);
  const estimatedRttMs = estimateRttMs(distanceKm, scoring);
  const weight = latencyEvidenceWeight(latency, now, scoring);
  const observedRttMs = latency?.ewmaMs ?? null;
  const scoreMs =
    observedRttMs === null
      ? estimatedRttMs
      : (1 - weight) * estimatedRttMs + weight * observedRttMs;
  return { distanceKm, estimatedRttMs, observedRttMs, latencyWeight: weight, scoreMs };
}
