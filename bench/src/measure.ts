// Small measuring helpers shared by the benchmarks: run N operations with bounded concurrency and
// report throughput and latency percentiles. Figures are meant to be compared as ratios within one
// run — the machines are shared and noisy, so absolute numbers only describe that run.
import { readFileSync } from "node:fs";

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

/** How busy the benchmark's own process was during a case: if it was saturated, so are its figures. */
export interface DriverLoad {
  /** Event-loop utilisation of this process, 0..1. */
  eventLoop: number;
  /** CPU time of this process per wall-clock second (1 = one core). */
  cpu: number;
  /** True when the load driver itself was the limit (event loop above 90%). */
  saturated: boolean;
}

/** Starts watching this process's load; call the returned function at the end of the case. */
export function watchDriver(): () => DriverLoad {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const started = performance.now();
  return () => {
    const used = performance.eventLoopUtilization(elu).utilization;
    const spent = process.cpuUsage(cpu);
    const wallUs = (performance.now() - started) * 1000;
    return {
      eventLoop: round(used, 2),
      cpu: round((spent.user + spent.system) / wallUs, 2),
      saturated: used > 0.9,
    };
  };
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; NaN elsewhere or
 * once it exited): how a benchmark splits CPU per operation between its driver and a server.
 */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Runs `operation(i)` with `concurrency` in flight for about `seconds`, then drains. */
export async function measureFor(
  label: string,
  seconds: number,
  concurrency: number,
  operation: (index: number) => Promise<void>,
  /** Where to collect the latencies too (to merge several rounds of one case). */
  latencies: number[] = [],
): Promise<Figures & { driver: DriverLoad }> {
  const mark = latencies.length;
  let next = 0;
  const stopAt = performance.now() + seconds * 1000;
  const driver = watchDriver();
  const started = performance.now();
  async function worker(): Promise<void> {
    while (performance.now() < stopAt) {
      const index = next++;
      const t0 = performance.now();
      await operation(index);
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const mine = latencies.slice(mark);
  return { ...summarize(label, mine.length, elapsed, mine), driver: driver() };
}

/** One JSON line per result, so runs can be collected and compared by machine. */
export function jsonLine(record: Record<string, unknown>): void {
  console.log(
    JSON.stringify(record, (_key, value) =>
      typeof value === "number" && !Number.isInteger(value) ? round(value, 2) : value,
    ),
  );
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One case of `alternateRounds`: what it sends, and whose CPU it is charged. */
export interface RoundCase {
  readonly send: (i: number) => Promise<void>;
  /** The server process serving the case (its CPU over the case's rounds is `cpuMs.server`). */
  readonly serverPid?: number;
  /** Before each of its rounds, outside the timing (e.g. to encode the next bodies). */
  readonly before?: () => void;
}

export interface RoundsResult {
  /** Every round merged: totals, and percentiles over every round's latencies. */
  readonly figures: Figures;
  readonly rounds: readonly Figures[];
  /** CPU (ms) over the case's rounds: this process (the load driver), its server, the broker. */
  readonly cpuMs: { driver: number; server: number; broker: number };
  /** Whether this process's event loop was the limit in any of its rounds. */
  readonly saturated: boolean;
}

/**
 * Runs each case for `seconds` in all, in `rounds` short rounds alternated between the cases (the
 * order reversed every other round), so a noisy moment of the shared machine lands on all of them
 * rather than on whichever ran then; `inFlight` operations at a time.
 */
export async function alternateRounds(
  cases: ReadonlyMap<string, RoundCase>,
  {
    seconds,
    rounds,
    inFlight,
    brokerPid,
  }: { seconds: number; rounds: number; inFlight: number; brokerPid?: number },
): Promise<Map<string, RoundsResult>> {
  const runs = new Map(
    [...cases.keys()].map((name) => [
      name,
      {
        rounds: [] as Figures[],
        latencies: [] as number[],
        cpuMs: { driver: 0, server: 0, broker: 0 },
        saturated: false,
      },
    ]),
  );
  for (let r = 0; r < rounds; r++) {
    const order = [...cases.keys()];
    if (r % 2 === 1) order.reverse();
    for (const name of order) {
      const { send, serverPid, before } = cases.get(name)!;
      const run = runs.get(name)!;
      before?.();
      const driver = process.cpuUsage();
      const server = cpuMsOf(serverPid);
      const broker = cpuMsOf(brokerPid);
      const figures = await measureFor(
        `${name} ${inFlight}`,
        seconds / rounds,
        inFlight,
        send,
        run.latencies,
      );
      const spent = process.cpuUsage(driver);
      run.cpuMs.driver += (spent.user + spent.system) / 1000;
      if (serverPid !== undefined) run.cpuMs.server += cpuMsOf(serverPid) - server;
      run.cpuMs.broker += cpuMsOf(brokerPid) - broker;
      run.saturated ||= figures.driver.saturated;
      run.rounds.push(figures);
    }
  }
  return new Map(
    [...runs].map(([name, run]) => {
      const ops = run.rounds.reduce((n, f) => n + f.ops, 0);
      const elapsed = run.rounds.reduce((n, f) => n + f.seconds, 0);
      const figures = summarize(`${name} ${inFlight}`, ops, elapsed, run.latencies);
      return [name, { figures, rounds: run.rounds, cpuMs: run.cpuMs, saturated: run.saturated }];
    }),
  );
}
