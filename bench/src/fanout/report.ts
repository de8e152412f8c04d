// The fan-out benchmark's figures: percentiles over every thread's deliveries, the JSON line the
// issue specifies (one per case), and its validation (used by the smoke test). Pure.
import type { DriverReport } from "./messages.ts";

/** The q-quantile (0…1) of `values` by nearest rank; NaN when empty. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export interface Side {
  p50: number;
  p99: number;
  deliveries: number;
  duplicates: number;
  errors: number;
  frames: number;
  /** Highest event-loop utilisation of any driver thread. */
  driverElu: number;
  /** The driver's CPU over the case, in percent of one core (all threads). */
  driverCpuPct: number;
  /** How late the driver sent (p99, ms): large means the driver, not the server, was behind. */
  sendLagP99: number;
  /** Over messages: send → the message's first delivery to any member (the message's own delay). */
  firstP99: number;
  /** Over messages: its first → its last delivery (the broadcast's tail across members). */
  spreadP99: number;
  /** Mean characters per frame received. */
  frameChars: number;
  /**
   * The messages with the longest send → first delivery, worst first: [message index, ms]. At
   * 10x50 the p99 is decided by one or two late messages; their places in the case (its first
   * messages, or one moment) tell a warm-up from a stall.
   */
  slowest: [number, number][];
}

/** One round's figures: every driver thread's report of it. */
export function combine(reports: readonly DriverReport[]): Side {
  return combineRounds([reports]);
}

/**
 * Several rounds of one side of a case (main.ts alternates the two sides' rounds, so a noisy moment
 * of the machine lands on both alike): percentiles over every delivery of every round; message k
 * of round r is message r × (the round's messages) + k in `slowest`.
 */
export function combineRounds(rounds: readonly (readonly DriverReport[])[]): Side {
  const reports = rounds.flat();
  const latencies = concat(reports.map((r) => r.latencies));
  // The driver's wall time is each round's longest thread, summed over the rounds.
  const wall = rounds.reduce((s, round) => s + Math.max(...round.map((r) => r.wallMs)), 0);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    deliveries: reports.reduce((s, r) => s + r.unique, 0),
    duplicates: reports.reduce((s, r) => s + r.duplicates, 0),
    errors: reports.reduce((s, r) => s + r.errors, 0),
    frames: reports.reduce((s, r) => s + r.frames, 0),
    driverElu: Math.max(...reports.map((r) => r.elu)),
    driverCpuPct: (100 * reports.reduce((s, r) => s + r.cpuMs, 0)) / wall,
    sendLagP99: quantile(concat(reports.map((r) => r.sendLag)), 0.99),
    ...perMessage(rounds),
    frameChars:
      reports.reduce((s, r) => s + r.frameChars, 0) /
      Math.max(
        1,
        reports.reduce((s, r) => s + r.frames, 0),
      ),
  };
}

/** How many of the slowest messages a line names. */
const SLOWEST = 3;

/** Each message's first and last delivery over every thread: its own delay and its tail. */
function perMessage(rounds: readonly (readonly DriverReport[])[]): {
  firstP99: number;
  spreadP99: number;
  slowest: [number, number][];
} {
  const first: number[] = [];
  const spread: number[] = [];
  const byMessage: [number, number][] = [];
  let offset = 0;
  for (const reports of rounds) {
    const count = Math.max(0, ...reports.map((r) => r.firstAt.length));
    for (let i = 0; i < count; i++) {
      let sent = Number.NaN;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const r of reports) {
        if (Number.isNaN(r.firstAt[i]!)) continue;
        sent = r.sentAt[i]!;
        lo = Math.min(lo, r.firstAt[i]!);
        hi = Math.max(hi, r.lastAt[i]!);
      }
      if (Number.isNaN(sent)) continue;
      first.push(lo - sent);
      spread.push(hi - lo);
      byMessage.push([offset + i, Math.round((lo - sent) * 10) / 10]);
    }
    offset += count;
  }
  const slowest = byMessage.sort((a, b) => b[1] - a[1]).slice(0, SLOWEST);
  return { firstP99: quantile(first, 0.99), spreadP99: quantile(spread, 0.99), slowest };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A driver thread counts as saturated above this event-loop utilisation, or when it sent late. */
const SATURATED_ELU = 0.9;
const SATURATED_LAG_MS = 50;

export function saturated(side: Side): boolean {
  return side.driverElu > SATURATED_ELU || side.sendLagP99 > SATURATED_LAG_MS;
}

const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);

export interface FanoutLine {
  bench: "fanout";
  members: number;
  rate: number;
  delivered: boolean;
  /** Rounds a side (alternated with the other side's: floor, product, product, floor, …). */
  rounds: number;
  /** Messages the product side sent over its rounds (the floor's as many). */
  messages: number;
  p50_ms: number | null;
  p99_ms: number | null;
  floor_p50_ms: number | null;
  floor_p99_ms: number | null;
  ratio_p99: number | null;
  deliveries: number;
  expected: number;
  floor_deliveries: number;
  frames: number;
  floor_frames: number;
  driver_cpu_pct: number | null;
  driver_elu: number | null;
  driver_saturated: boolean;
  errors: number;
  /** p99 over messages of send → first delivery, and of first → last delivery (both sides). */
  first_p99_ms: number | null;
  floor_first_p99_ms: number | null;
  spread_p99_ms: number | null;
  floor_spread_p99_ms: number | null;
  frame_chars: number | null;
  floor_frame_chars: number | null;
  /** The slowest messages to their first delivery: [message index, ms] (see Side.slowest). */
  slowest_first: [number, number][];
  floor_slowest_first: [number, number][];
}

export function fanoutLine(
  /** `count`: the case's messages over all its rounds. */
  c: { members: number; rate: number; delivered: boolean; count: number; rounds?: number },
  product: Side,
  floor: Side,
): FanoutLine {
  return {
    bench: "fanout",
    members: c.members,
    rate: c.rate,
    delivered: c.delivered,
    rounds: c.rounds ?? 1,
    messages: c.count,
    p50_ms: round(product.p50),
    p99_ms: round(product.p99),
    floor_p50_ms: round(floor.p50),
    floor_p99_ms: round(floor.p99),
    ratio_p99: round(product.p99 / floor.p99),
    deliveries: product.deliveries,
    expected: c.members * c.count,
    floor_deliveries: floor.deliveries,
    frames: product.frames,
    floor_frames: floor.frames,
    driver_cpu_pct: round(Math.max(product.driverCpuPct, floor.driverCpuPct)),
    driver_elu: round(Math.max(product.driverElu, floor.driverElu)),
    driver_saturated: saturated(product) || saturated(floor),
    errors: product.errors + floor.errors,
    first_p99_ms: round(product.firstP99),
    floor_first_p99_ms: round(floor.firstP99),
    spread_p99_ms: round(product.spreadP99),
    floor_spread_p99_ms: round(floor.spreadP99),
    frame_chars: Math.round(product.frameChars),
    floor_frame_chars: Math.round(floor.frameChars),
    slowest_first: product.slowest,
    floor_slowest_first: floor.slowest,
  };
}

/** The problems with one output line (empty when it is a well-formed fanout line). */
export function lineProblems(line: unknown): string[] {
  if (typeof line !== "object" || line === null) return ["not an object"];
  const l = line as Record<string, unknown>;
  const problems: string[] = [];
  if (l.bench !== "fanout" && l.bench !== "fanout-ceiling") problems.push("bench");
  const numbers =
    l.bench === "fanout"
      ? ["members", "rate", "deliveries", "expected", "floor_deliveries", "frames", "errors"]
      : ["members", "ceiling_msgs_per_s"];
  for (const key of numbers) {
    if (typeof l[key] !== "number" || !Number.isFinite(l[key])) problems.push(key);
  }
  if (l.bench === "fanout") {
    for (const key of ["p50_ms", "p99_ms", "floor_p50_ms", "floor_p99_ms", "ratio_p99"]) {
      if (l[key] !== null && typeof l[key] !== "number") problems.push(key);
    }
    for (const key of ["delivered", "driver_saturated"]) {
      if (typeof l[key] !== "boolean") problems.push(key);
    }
  }
  return problems;
}
