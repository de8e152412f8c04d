// Small measuring helpers shared by the benchmarks: run N operations with bounded concurrency and
// report throughput and latency percentiles. Figures are meant to be compared as ratios within one
// run — the machines are shared and noisy, so absolute numbers only describe that run.

export interface Figures {
  readonly label: string;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Runs `operation(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function measure(
  label: string,
  count: number,
  concurrency: number,
  operation: (index: number) => Promise<void>,
): Promise<Figures> {
  const latencies: number[] = new Array(count);
  let next = 0;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      await operation(index);
      latencies[index] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    label,
    ops: count,
    seconds,
    opsPerSecond: count / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

/** Prints figures as an aligned table. */
export function printTable(rows: readonly Figures[]): void {
  console.log(
    [
      "case".padEnd(44),
      "ops".padStart(7),
      "ops/s".padStart(9),
      "p50 ms".padStart(8),
      "p99 ms".padStart(8),
    ].join(" "),
  );
  for (const row of rows) {
    console.log(
      [
        row.label.padEnd(44),
        String(row.ops).padStart(7),
        row.opsPerSecond.toFixed(0).padStart(9),
        latency(row.p50Ms),
        latency(row.p99Ms),
      ].join(" "),
    );
  }
}

/** A latency column; "-" where only throughput was measured. */
function latency(ms: number): string {
  return (Number.isNaN(ms) ? "-" : ms.toFixed(2)).padStart(8);
}

/** "a is 2.31x b" in throughput. */
export function ratio(a: Figures, b: Figures): string {
  return `${a.label.trim()} / ${b.label.trim()}: ${(a.opsPerSecond / b.opsPerSecond).toFixed(2)}x throughput`;
}

/** Figures from latencies measured elsewhere (ms; may be empty when only throughput is known). */
export function summarize(
  label: string,
  ops: number,
  seconds: number,
  latenciesMs: readonly number[],
): Figures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { label, ops, seconds, opsPerSecond: ops / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}
