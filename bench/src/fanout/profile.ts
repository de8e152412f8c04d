// A V8 CPU profile of the product edge's workerd during one ceiling step (`--profile RATE`): the
// edge is started with wrangler's inspector on a port of its own, and the DevTools protocol is
// spoken over Node's own WebSocket client (Profiler.enable/start/stop). The profile is summed into
// self time per function and per file, so the per-message costs can be named rather than guessed;
// the raw .cpuprofile is also written (open it in Chrome DevTools). Bench-only: the inspector stays
// detached unless a step is profiled.
import { writeFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** One DevTools session on the first target the inspector lists whose title matches `name`. */
async function connect(port: number, name: string): Promise<WebSocket> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    title?: string;
    webSocketDebuggerUrl?: string;
  }[];
  const target = targets.find((t) => t.title?.includes(name)) ?? targets[0];
  if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target on port ${port}`);
  // wrangler's inspector proxy wants a local Origin from a client that sends a User-Agent (undici's
  // WebSocket takes headers as a non-standard option).
  const ws = new WebSocket(target.webSocketDebuggerUrl, {
    headers: { origin: "http://localhost" },
  } as unknown as string[]);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error("inspector socket failed")), {
      once: true,
    });
  });
  return ws;
}

export interface Profiling {
  /** Stops, writes `<file>.cpuprofile` and returns the summary lines (self time per function/file). */
  stop(messages: number): Promise<string[]>;
}

export async function startProfiling(port: number, name: string, file: string): Promise<Profiling> {
  const ws = await connect(port, name);
  let nextId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener("message", (event) => {
    const reply = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return {
    async stop(messages) {
      const { profile } = (await call("Profiler.stop")) as { profile: CpuProfile };
      ws.close();
      writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
      return summarize(profile, messages);
    },
  };
}

/** Self time per function and per file, in ms per message, top entries first. */
export function summarize(profile: CpuProfile, messages: number, top = 30): string[] {
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the delta to the next one (the last gets none).
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + dt);
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    total += us;
    const file = url.replace(/^.*\/(edge|protocol|node_modules)\//, "$1/") || "(native)";
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const perMsg = (us: number) => (us / 1000 / messages).toFixed(3);
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${perMsg(us)} ms/msg ${((100 * us) / total).toFixed(1)}%  ${k}`);
  return [
    `busy ${perMsg(total)} ms/msg, idle ${(idle / 1000).toFixed(0)} ms, over ${messages} messages`,
    "-- self time by function --",
    ...ranked(byFunction),
    "-- self time by file --",
    ...ranked(byFile),
  ];
}
