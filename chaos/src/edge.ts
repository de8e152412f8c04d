// The edge Worker as something the suite can crash: workerd on a fixed port with its Durable
// Objects' storage in a directory of this run, so a restarted edge comes back at the same URL with
// the same outboxes (region, inbox, push), as a restarted machine would. `kill()` SIGKILLs the
// workerd processes this process started (found by parent pid), with no chance to flush anything.
import { readdirSync, readFileSync } from "node:fs";
import { type EdgeOptions, type RunningEdge, startEdge } from "@edge-chat/e2e";

export interface EdgeSettings {
  regions: readonly string[];
  signingKey: EdgeOptions["signingKey"];
  vars: Record<string, string>;
  port: number;
  persistTo: string;
}

export class CrashableEdge {
  readonly baseUrl: string;
  readonly #settings: EdgeSettings;
  #edge: RunningEdge | null = null;

  constructor(settings: EdgeSettings) {
    this.#settings = settings;
    this.baseUrl = `http://127.0.0.1:${settings.port}`;
  }

  /**
   * The running Worker's own address, past wrangler's dev proxy (a second workerd that forwards
   * every socket). It changes with every start.
   */
  get directUrl(): string {
    if (!this.#edge) throw new Error("the edge is not running");
    return this.#edge.directUrl;
  }

  async start(): Promise<void> {
    if (this.#edge) return;
    this.#edge = await startEdge(this.#settings);
  }

  /** SIGKILL of workerd (a crash), then the remains of the dev server are disposed of. */
  async kill(): Promise<number> {
    const pids = childPids(process.pid).filter((pid) => commandOf(pid).includes("workerd"));
    for (const pid of pids) process.kill(pid, "SIGKILL");
    const edge = this.#edge;
    this.#edge = null;
    await edge?.dispose().catch(() => {});
    return pids.length;
  }

  /** Resident memory of the workerd processes this process started (the edge's memory), bytes. */
  rssBytes(): number {
    let total = 0;
    for (const pid of childPids(process.pid)) {
      if (!commandOf(pid).includes("workerd")) continue;
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
        total += Number(kb ?? 0) * 1024;
      } catch {
        // Gone meanwhile.
      }
    }
    return total;
  }

  async stop(): Promise<void> {
    const edge = this.#edge;
    this.#edge = null;
    await edge?.dispose();
  }
}

/** Direct children of `parent`, from /proc (Linux). */
function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (after the parenthesised command, which may hold spaces) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}
