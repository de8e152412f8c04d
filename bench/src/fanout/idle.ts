// The benchmark's own workerd processes: their CPU time (what a case cost the servers, a figure the
// machine's load distorts far less than latency), and a wait until they are idle, so a case starts on servers that are
// not still finishing the previous one's background work (inbox updates, pushes, closing sockets).
// Every Durable Object of one workerd shares a thread, so such work would be measured as latency of
// the next case. Reads the CPU time of this process's workerd children from /proc (Linux); where
// that is unavailable it returns at once.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const HZ = 100;

/** This process's workerd children and their CPU time so far (ticks). */
function workerdTicks(): Map<number, number> | null {
  const ticks = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid … utime(14) stime(15): comm may hold spaces, so split after ")".
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (comm !== "workerd" || Number(fields[1]) !== process.pid) continue;
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks;
}

/** Each workerd child's CPU time so far (ms), by pid; null without /proc. */
export function workerdCpuByPid(): Map<number, number> | null {
  const ticks = workerdTicks();
  if (!ticks) return null;
  return new Map([...ticks].map(([pid, t]) => [pid, (t * 1000) / HZ]));
}

/** The pid among `pids` that listens on TCP `port` (from /proc/net/tcp and each pid's fds). */
export function listenerPid(pids: Iterable<number>, port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the 10th field.
      if (f[1]?.endsWith(`:${hex}`) && f[3] === "0A") inodes.add(f[9]!);
    }
  }
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (inodes.has(link.slice("socket:[".length, -1))) return pid;
      }
    } catch {}
  }
  return undefined;
}

/** CPU time (ms) this process's workerd children have used so far; null without /proc. */
export function workerdCpuMs(): number | null {
  const ticks = workerdTicks();
  if (!ticks) return null;
  let sum = 0;
  for (const t of ticks.values()) sum += t;
  return (sum * 1000) / HZ;
}

/**
 * How long (ms) the threads of this process's workerd children have so far waited runnable for a
 * CPU (the second field of /proc/<pid>/task/<tid>/schedstat, ns); null without it. Over a case it
 * tells a server that was descheduled by the machine's other load from one that computed: a
 * message held 40 ms while its object's thread waited for a core is the machine, not the object.
 */
export function workerdRunqueueWaitMs(): number | null {
  const ticks = workerdTicks();
  if (!ticks) return null;
  let ns = 0;
  for (const pid of ticks.keys()) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // ended meanwhile
    }
    for (const tid of tasks) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]);
      } catch {
        return null; // no schedstat (kernel without schedstats)
      }
    }
  }
  return ns / 1e6;
}

/**
 * Returns once the workerd children (those in `only`, when given) together used less than
 * `maxCorePct` of one core over a `windowMs` window, or after `timeoutMs`; says how long it waited
 * and whether they became idle.
 */
export async function waitForIdleServers({
  windowMs = 1_000,
  maxCorePct = 10,
  timeoutMs = 180_000,
  only,
}: {
  windowMs?: number;
  maxCorePct?: number;
  timeoutMs?: number;
  only?: ReadonlySet<number>;
} = {}): Promise<{ waitedMs: number; idle: boolean }> {
  const started = performance.now();
  let before = workerdTicks();
  if (!before || before.size === 0) return { waitedMs: 0, idle: true };
  while (performance.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const after = workerdTicks()!;
    let used = 0;
    for (const [pid, t] of after) if (!only || only.has(pid)) used += t - (before.get(pid) ?? t);
    before = after;
    const pct = (100 * (used / HZ) * 1000) / windowMs;
    if (pct < maxCorePct) return { waitedMs: performance.now() - started, idle: true };
  }
  return { waitedMs: performance.now() - started, idle: false };
}
