// The collector's memory: a ring of scrape snapshots (every sample of every source at one time)
// and the queries the dashboard asks of it, computed the way Prometheus does: quantiles from the
// increase of histogram buckets between snapshots (histogram_quantile over rate), counter rates,
// and gauge values. Pure: no I/O, no clock.
import type { Sample } from "./prom-text.ts";

export interface Snapshot {
  t: number;
  samples: Sample[];
}

export interface Query {
  /** Histogram or counter base name (without _bucket), or a gauge name. */
  metric: string;
  /** Only samples whose labels equal these. */
  where?: Record<string, string>;
  /** Labels that split the result into series (others are summed). */
  by: string[];
  /** Start of the window (ms); snapshots before it are ignored. */
  since: number;
}

export interface QuantileSeries {
  labels: Record<string, string>;
  /** Per snapshot interval: its end time, and null where nothing was observed. */
  t: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  /** Observations per second in the interval. */
  rate: number[];
}

export interface ValueSeries {
  labels: Record<string, string>;
  t: number[];
  v: (number | null)[];
}

export class SeriesStore {
  private readonly snapshots: Snapshot[] = [];
  private readonly capacity: number;
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  add(snapshot: Snapshot): void {
    this.snapshots.push(snapshot);
    if (this.snapshots.length > this.capacity) this.snapshots.shift();
  }

  size(): number {
    return this.snapshots.length;
  }

  /** Labels values seen for `label` in the newest snapshot (e.g. every region). */
  labelValues(label: string): string[] {
    const last = this.snapshots.at(-1);
    return [...new Set(last?.samples.map((s) => s.labels[label]).filter((v) => v !== undefined))]
      .map(String)
      .sort();
  }

  quantiles(query: Query): QuantileSeries[] {
    const window = this.window(query.since);
    const bucketName = `${query.metric}_bucket`;
    const result = new Map<string, QuantileSeries>();
    for (let i = 1; i < window.length; i++) {
      const [prev, next] = [window[i - 1]!, window[i]!];
      const before = bucketTotals(prev.samples, bucketName, query);
      const after = bucketTotals(next.samples, bucketName, query);
      const seconds = (next.t - prev.t) / 1000;
      for (const [key, { labels, buckets }] of after) {
        const old = before.get(key)?.buckets ?? new Map<number, number>();
        // A restarted exporter starts again from zero: treat its counts as the increase.
        const reset = [...buckets].some(([le, n]) => n < (old.get(le) ?? 0));
        const increase = [...buckets]
          .map(([le, n]) => [le, reset ? n : n - (old.get(le) ?? 0)] as const)
          .sort(([a], [b]) => a - b);
        let series = result.get(key);
        if (!series) {
          series = { labels, t: [], p50: [], p95: [], p99: [], rate: [] };
          result.set(key, series);
        }
        const total = increase.at(-1)?.[1] ?? 0;
        series.t.push(next.t);
        series.p50.push(quantile(0.5, increase));
        series.p95.push(quantile(0.95, increase));
        series.p99.push(quantile(0.99, increase));
        series.rate.push(seconds > 0 ? total / seconds : 0);
      }
    }
    return [...result.values()];
  }

  /** Per-second increase of a counter, grouped. */
  rates(query: Query): ValueSeries[] {
    const window = this.window(query.since);
    const result = new Map<string, ValueSeries>();
    for (let i = 1; i < window.length; i++) {
      const [prev, next] = [window[i - 1]!, window[i]!];
      const before = sums(prev.samples, query.metric, query);
      const seconds = (next.t - prev.t) / 1000;
      for (const [key, { labels, value }] of sums(next.samples, query.metric, query)) {
        const old = before.get(key)?.value ?? 0;
        const increase = value < old ? value : value - old;
        const series = result.get(key) ?? { labels, t: [], v: [] };
        result.set(key, series);
        series.t.push(next.t);
        series.v.push(seconds > 0 ? increase / seconds : null);
      }
    }
    return [...result.values()];
  }

  /** A gauge's value at each snapshot, grouped (summed over the other labels). */
  gauges(query: Query): ValueSeries[] {
    const result = new Map<string, ValueSeries>();
    for (const snapshot of this.window(query.since)) {
      for (const [key, { labels, value }] of sums(snapshot.samples, query.metric, query)) {
        const series = result.get(key) ?? { labels, t: [], v: [] };
        result.set(key, series);
        series.t.push(snapshot.t);
        series.v.push(value);
      }
    }
    return [...result.values()];
  }

  private window(since: number): Snapshot[] {
    const start = this.snapshots.findIndex((s) => s.t >= since);
    // One snapshot before the window too, so its first interval has a baseline.
    return start === -1 ? [] : this.snapshots.slice(Math.max(0, start - 1));
  }
}

function matches(sample: Sample, name: string, where: Record<string, string> = {}): boolean {
  if (sample.name !== name) return false;
  for (const [k, v] of Object.entries(where)) if (sample.labels[k] !== v) return false;
  return true;
}

function groupOf(sample: Sample, by: string[]) {
  const labels: Record<string, string> = {};
  for (const label of by) labels[label] = sample.labels[label] ?? "";
  return { key: JSON.stringify(labels), labels };
}

function sums(samples: Sample[], name: string, query: Query) {
  const out = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const sample of samples) {
    if (!matches(sample, name, query.where)) continue;
    const { key, labels } = groupOf(sample, query.by);
    const entry = out.get(key) ?? { labels, value: 0 };
    entry.value += sample.value;
    out.set(key, entry);
  }
  return out;
}

function bucketTotals(samples: Sample[], name: string, query: Query) {
  const out = new Map<string, { labels: Record<string, string>; buckets: Map<number, number> }>();
  for (const sample of samples) {
    if (!matches(sample, name, query.where)) continue;
    const { key, labels } = groupOf(sample, query.by);
    const entry = out.get(key) ?? { labels, buckets: new Map<number, number>() };
    const le = Number(sample.labels.le === "+Inf" ? Infinity : sample.labels.le);
    entry.buckets.set(le, (entry.buckets.get(le) ?? 0) + sample.value);
    out.set(key, entry);
  }
  return out;
}

/**
 * Prometheus's histogram_quantile: linear interpolation inside the bucket holding the rank;
 * a rank in the +Inf bucket answers the highest finite bound. Null when nothing was observed.
 */
export function quantile(q: number, cumulative: ReadonlyArray<readonly [number, number]>) {
  const total = cumulative.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of cumulative) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      if (count === lowerCount) return le;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
