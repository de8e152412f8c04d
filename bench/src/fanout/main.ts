// Fan-out benchmark: the product's edge (root wrangler.toml) beside the platform floor (a
// broadcast-only Durable Object, bench/floor) under the same wrangler/workerd, driven by the same
// driver in the same run. N members of one group, each on its own WebSocket; message i is sent at
// t0 + i / rate by member i mod N; latency = send → each member's delivery (the sender's own
// included). Each case runs with silent members and with every member answering each frame with
// `delivered` (as the SDK does). The driver is spread over worker threads and reports its own CPU
// and event-loop utilisation; a case where it saturated says so (`driver_saturated`).
//
// Before each case the servers are idle (their workerd processes' CPU, idle.ts), and after a
// product case every member's inbox has settled: every Durable Object of one workerd shares a
// thread, so a group's inbox updates and pushes would otherwise run inside the next measurement.
// A floor still busy 15 s after its case (its room's backlog, when overloaded) is restarted.
// Each line also gives workerd CPU per message for both sides (`server_cpu_ms_per_msg`,
// `floor_server_cpu_ms_per_msg`, `ratio_cpu`), a figure the machine's load distorts far less.
//
// stdout: one JSON line per case ({"bench":"fanout",...}) and one for the conversation's ceiling
// ({"bench":"fanout-ceiling",...}); progress on stderr. Usage:
//   npm run bench -- fanout [--quick] [--smoke] [--seconds 10] [--min-messages 400] [--threads 2]
//                           [--cases 10x50,50x20]
//                           [--rounds 2] [--no-ceiling] [--drain 6000] [--metrics]
//                           [--ceiling-only] [--steps 250,500,1000] [--profile 750]
//                           [--profile-case 1024x5]
//                           [--inspector-port 8900] [--via-proxy] [--local-observability]
// `--profile RATE`: a V8 CPU profile of the product edge's workerd over the ceiling step at RATE,
// summed per function and file on stderr (profile.ts); `--profile-case MxR` the same over the
// product's first round with acks of that case (`MxR:silent`: its first silent round).
// `--via-proxy`: both sides through wrangler's dev proxy rather than at their user workers
// directly (the default since the ceiling work). `--local-observability`: wrangler's local
// observability on for both sides (off by default: startWorkerDirect in @edge-chat/e2e).
// `--rounds N`: each side of a case runs in N rounds of seconds / N, alternated (floor, product,
// product, floor, …) and pooled, so a noisy moment of this shared machine lands on both sides alike
// rather than on whichever ran then (2 by default; 1 with --smoke).
// `--metrics`: the product edge records its latency points and posts them to a sink started here,
// as it does to the collector under `npm start` (off by default, as in the tests' edges): run a
// case with and without it to see what recording costs the hot path (`metrics_points` per line).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { serviceKeys, startEdge, startWorkerDirect, UNLIMITED_RATES } from "@edge-chat/e2e";
import { PROTOCOL_VERSION } from "@edge-chat/protocol";
import {
  listenerPid,
  waitForIdleServers,
  workerdCpuByPid,
  workerdCpuMs,
  workerdRunqueueWaitMs,
} from "./idle.ts";
import { type Profiling, startProfiling } from "./profile.ts";
import type { CaseTask, DriverReport, FromDriver, SocketTask, ToDriver } from "./messages.ts";
import { combine, combineRounds, fanoutLine, saturated, type Side } from "./report.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
    seconds: { type: "string" },
    /** At least this many messages a side (400; 0 with --smoke or --quick). */
    "min-messages": { type: "string" },
    rounds: { type: "string" },
    threads: { type: "string" },
    cases: { type: "string" },
    "no-ceiling": { type: "boolean", default: false },
    /** Only the conversation's ceiling (no floor cases). */
    "ceiling-only": { type: "boolean", default: false },
    /** The ceiling's rates to step through, e.g. 500,1000,1500. */
    steps: { type: "string" },
    /** How long without a delivery, after the last send, a thread waits for the rest (driver.ts). */
    drain: { type: "string" },
    metrics: { type: "boolean", default: false },
    /** Drive both sides through wrangler's dev proxy (default: each side's user worker directly). */
    "via-proxy": { type: "boolean", default: false },
    /** Profiles the product edge's workerd during the ceiling step at this rate (profile.ts). */
    profile: { type: "string" },
    /** As --profile, this case's first product round with acks (1024x5; 1024x5:silent). */
    "profile-case": { type: "string" },
    /** The inspector's port for --profile. */
    "inspector-port": { type: "string", default: "8900" },
    /**
     * Keep both servers' Durable Object storage on the disk (a directory under the temp dir), as
     * the tests' edges do, instead of tmpfs: to compare what local fsyncs cost (see persistDir).
     */
    "disk-storage": { type: "boolean", default: false },
    /** Keep wrangler's local observability (a trace span per storage call and RPC) on. */
    "local-observability": { type: "boolean", default: false },
  },
});
const FULL = "10x50,50x20,200x50,250x20,1024x5,100x200";
const QUICK = "10x50,50x20,200x50,100x200";
const SMOKE = "3x10";
const cases = (
  values["ceiling-only"]
    ? ""
    : (values.cases ?? (values.smoke ? SMOKE : values.quick ? QUICK : FULL))
)
  .split(",")
  .filter((c) => c !== "")
  .map((c) => {
    const [members, rate] = c.split("x").map(Number);
    if (!members || !rate) throw new Error(`bad case ${c} (want MEMBERSxRATE)`);
    return { members, rate };
  });
// 10 s a case by default: at 3 s a 50 x 20 case is 60 messages, and as one late message is late
// for every member, its p99 was that one message's latency (a single 20-80 ms hold on this shared
// machine, on either side); at 10 s a p99 needs several late messages.
const seconds = Number(values.seconds ?? (values.smoke ? 0.5 : values.quick ? 1.5 : 10));
// At least this many messages a side, whatever the rate (a case runs longer than --seconds when
// its rate is low). A p99 over deliveries is decided by the latest messages, since a late message
// is late for every member: at 10 s, 50 x 20 was 200 messages (its p99 the 2nd-latest message) and
// 1,024 x 5 was 50 (its p99 inside the latest one), so one 20-50 ms hold of this shared machine
// decided the case; at 400 messages a p99 rests on the 4 latest.
const minMessages = Number(values["min-messages"] ?? (values.smoke || values.quick ? 0 : 400));
/** Seconds a side of a case runs: --seconds, or long enough for --min-messages. */
const secondsFor = (rate: number) => Math.max(seconds, minMessages / rate);
// Two rounds a side: floor, product, product, floor. At 10x50 the p99 of a side is its 5th-latest
// message, so one 20-50 ms hold of the machine (seen on either side, anywhere in a case) decided
// which side "won" when each side ran once.
const rounds = Math.max(1, Number(values.rounds ?? (values.smoke ? 1 : 2)));
const threadCount = Number(values.threads ?? Math.max(2, availableParallelism()));
const ceiling = !values["no-ceiling"] && !values.smoke;
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
// Off for both sides by default (startWorkerDirect): it charges the product per storage call and
// RPC while the floor, which stores nothing, pays almost nothing.
if (values["local-observability"]) process.env.X_LOCAL_OBSERVABILITY = "true";
// wrangler's dev proxy (a workerd process of its own that every request and frame passes) is not
// part of either side: both are driven at their user worker directly unless --via-proxy.
const viaProxy = values["via-proxy"];
const log = (text: string) => process.stderr.write(`[fanout] ${text}\n`);

// ── the driver threads ──

const threads = Array.from(
  { length: threadCount },
  (_, threadId) =>
    new Worker(fileURLToPath(new URL("./driver.ts", import.meta.url)), {
      workerData: { threadId },
    }),
);
function ask(thread: Worker, message: ToDriver, want: FromDriver["kind"]): Promise<FromDriver> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: FromDriver) => {
      thread.off("message", onMessage);
      if (reply.kind === "failed") reject(new Error(reply.error));
      else if (reply.kind !== want) reject(new Error(`driver said ${reply.kind}`));
      else resolve(reply);
    };
    thread.on("message", onMessage);
    thread.postMessage(message);
  });
}

interface Target {
  kind: "floor" | "product";
  /** The sockets of a group (or room) of `members`. */
  prepare(members: number, label: string): Promise<SocketTask[]>;
  /**
   * After a case of `count` messages: waits until the server has finished the work the case left
   * behind (the product's inbox notifications), so it does not run into the next case.
   */
  settle(members: number, count: number): Promise<void>;
}

let caseCounter = 0;
async function runCase(
  target: Target,
  label: string,
  members: number,
  rate: number,
  delivered: boolean,
  runSeconds: number,
  profile?: string,
): Promise<{
  reports: DriverReport[];
  side: Side;
  count: number;
  cpuMs: number | null;
  byPid: Map<number, number>;
  waitMs: number | null;
  profile?: string[];
}> {
  const count = Math.max(1, Math.round(rate * runSeconds));
  const caseId = `c${++caseCounter}`;
  const sockets = await target.prepare(members, label);
  const base: Omit<CaseTask, "sockets"> = {
    caseId,
    target: target.kind,
    members,
    rate,
    count,
    delivered,
    drainMs: Number(values.drain ?? 6_000),
  };
  await Promise.all(
    threads.map((thread, t) =>
      ask(
        thread,
        {
          kind: "open",
          task: { ...base, sockets: sockets.filter((_, k) => k % threadCount === t) },
        },
        "ready",
      ),
    ),
  );
  const idle = await waitForIdleServers();
  if (!idle.idle || idle.waitedMs > 5_000) {
    log(`servers ${idle.idle ? "idle" : "still busy"} after ${Math.round(idle.waitedMs / 1000)} s`);
  }
  const profiling: Profiling | undefined =
    profile === undefined
      ? undefined
      : await startProfiling(Number(values["inspector-port"]), "edge-chat", profile);
  const cpu0 = workerdCpuMs();
  const byPid0 = workerdCpuByPid();
  const wait0 = workerdRunqueueWaitMs();
  const t0 = performance.timeOrigin + performance.now() + 200;
  const reports = await Promise.all(
    threads.map(async (thread) => {
      const reply = await ask(thread, { kind: "go", t0 }, "report");
      return (reply as { report: DriverReport }).report;
    }),
  );
  // The servers were idle when the case began, so their CPU since is this case's (both servers'
  // workerd processes, the other one idle: mostly the target's).
  const cpu1 = workerdCpuMs();
  const byPid1 = workerdCpuByPid();
  const cpuMs = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
  const byPid = new Map<number, number>();
  for (const [pid, ms] of byPid1 ?? []) byPid.set(pid, ms - (byPid0?.get(pid) ?? ms));
  const wait1 = workerdRunqueueWaitMs();
  const waitMs = wait0 === null || wait1 === null ? null : Math.round(wait1 - wait0);
  const summary = await profiling?.stop(count);
  await target.settle(members, count);
  return {
    reports,
    side: combine(reports),
    count,
    cpuMs,
    byPid,
    waitMs,
    ...(summary ? { profile: summary } : {}),
  };
}

// ── the two servers ──

/**
 * Where a server keeps its Durable Objects' storage: a fresh directory on tmpfs (/dev/shm) when
 * there is one. Locally the objects' storage is SQLite files, and every commit (each send, each receipt
 * tick) makes workerd fsync them on the objects' one thread, holding every outgoing frame behind
 * it (the output gate); on this shared machine the disk's latency, not the edge's work, then
 * decided single 20-50 ms stalls of the 10x50 case's p99. The platform does not fsync a local
 * disk per write (its storage replicates the write), and the floor has no storage at all, so the
 * benchmark that measures the edge's path beside the floor keeps both servers' files in memory.
 * `--disk-storage` keeps them on disk for comparison.
 */
function persistDir(): { dir: string; medium: "tmpfs" | "disk" } {
  const shm = !values["disk-storage"] && existsSync("/dev/shm");
  const dir = mkdtempSync(join(shm ? "/dev/shm" : tmpdir(), "edge-chat-fanout-"));
  return { dir, medium: shm ? "tmpfs" : "disk" };
}

/**
 * The floor's wrangler/workerd, on the same storage medium as the product's (persistDir): the
 * floor stores nothing, but its workerd still keeps each object's SQLite files and fsyncs them
 * (~150 a second during a 10x50 case). Returns the processes it added (`pids`), to tell them from
 * the product's.
 */
async function launchFloor() {
  const storage = persistDir();
  const before = new Set(workerdCpuByPid()?.keys() ?? []);
  const { worker, directUrl } = await startWorkerDirect({
    config: fileURLToPath(new URL("../../floor/wrangler.toml", import.meta.url)),
    dev: {
      persist: storage.dir,
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: false,
      watch: false,
      logLevel: "warn",
    },
  });
  const pids = new Set([...(workerdCpuByPid()?.keys() ?? [])].filter((pid) => !before.has(pid)));
  return {
    base: (viaProxy ? (await worker.url).origin : directUrl).replace(/^http/, "ws"),
    pids,
    dispose: async () => {
      await worker.dispose();
      rmSync(storage.dir, { recursive: true, force: true });
    },
  };
}

/** How long after a floor case its workerd may stay busy before it is restarted (settle). */
const FLOOR_BACKLOG_MS = 15_000;

async function startFloor() {
  let current = await launchFloor();
  const target: Target = {
    kind: "floor",
    async prepare(members, label) {
      return Array.from({ length: members }, (_, index) => ({
        index,
        url: `${current.base}/${label}`,
      }));
    },
    // An overloaded floor (200 x 50, 250 x 20, 1,024 x 5 and 100 x 200 with acks) is still
    // working off its backlog when the case's drain ends: its room's one thread holds minutes of
    // queued frames, which the benchmark has already counted as late or lost. Waiting that out
    // took 7-13 minutes a case and its workerd refused the next case's sockets meanwhile, so the
    // floor (it keeps no state) is restarted instead.
    async settle() {
      const idle = await waitForIdleServers({ timeoutMs: FLOOR_BACKLOG_MS, only: current.pids });
      if (idle.idle) return;
      log(`floor still busy ${Math.round(idle.waitedMs / 1000)} s after its case; restarting it`);
      await current.dispose();
      current = await launchFloor();
    },
  };
  return {
    target,
    /** The floor's workerd processes now (they change when it restarts). */
    pids: () => current.pids,
    dispose: () => current.dispose(),
  };
}

async function pool<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** A collector that only counts the points it is sent (`--metrics`). */
async function startMetricsSink(): Promise<{ url: string; points: () => number }> {
  let points = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      try {
        points += (JSON.parse(body) as { points: unknown[] }).points.length;
      } catch {}
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    points: () => points,
  };
}
const metricsSink = values.metrics ? await startMetricsSink() : undefined;

async function startProduct(maxMembers: number) {
  // No region (the region outbox accumulates; this measures the edge), rate limits lifted, and a
  // window larger than any case so trimming never runs.
  const storage = persistDir();
  log(`product storage on ${storage.medium} (${storage.dir})`);
  const edge = await startEdge({
    persistTo: storage.dir,
    regions: [],
    signingKey: serviceKeys().signingKey,
    // Pushes are decided as usual (members have no inbox socket, so each new message makes one
    // per member), but a collapsed one waits an hour instead of firing inside a later case.
    vars: {
      ...UNLIMITED_RATES,
      // The global per-IP and per-user limits too: every member connects from 127.0.0.1, and the
      // inbox settle polls each member's list, so 1,024 members passed the 3,000 requests a minute
      // per IP and the next case's upgrades were refused (840 of 1,024 sockets failed to open).
      RATE_GLOBAL_IP_PER_MIN: "100000000",
      RATE_GLOBAL_USER_PER_MIN: "100000000",
      WINDOW_SIZE: "100000",
      PUSH_COLLAPSE_MS: "3600000",
      ...(metricsSink ? { METRICS_COLLECTOR_URL: metricsSink.url } : {}),
    },
    ...(values.profile || values["profile-case"]
      ? { inspectorPort: Number(values["inspector-port"]) }
      : {}),
  }).catch((error: unknown) => {
    rmSync(storage.dir, { recursive: true, force: true });
    throw error;
  });
  const http = viaProxy ? edge.baseUrl : edge.directUrl;
  const ws = http.replace(/^http/, "ws");
  const run = Date.now().toString(36);
  log(`product edge at ${http}; minting ${maxMembers} users`);
  const users = await pool(maxMembers, 16, async (i) => {
    const userId = `fan-${run}-${i}`;
    const res = await fetch(`${http}/dev/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    if (!res.ok) throw new Error(`dev token: ${res.status}`);
    return { userId, token: ((await res.json()) as { token: string }).token };
  });
  // One group per size, shared by its cases (a case ignores the frames of another): creating a
  // group of 1,024 tells 1,024 inboxes (one new InboxDO each), which took two minutes here.
  const groups = new Map<number, { conversationId: string; lastSeq: number }>();
  const inboxAt = async (token: string, conversationId: string): Promise<number> => {
    const list = await fetch(`${http}/v1/conversations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await list.json()) as {
      conversations: { conversationId: string; lastSeq: number }[];
    };
    return body.conversations.find((c) => c.conversationId === conversationId)?.lastSeq ?? -1;
  };
  // Waits until every member's inbox shows the group at `lastSeq`. Every workerd Durable Object
  // shares one thread here, so the inbox updates a group creation or a case's closing sockets
  // leave behind (one per member) would otherwise run inside the next measurement: measured at
  // 1,024 members, the creation's 1,024 inbox updates took 129 s under load 20, and a case that
  // started after waiting only for the last member got none of its deliveries within the drain.
  const settleInboxes = async (
    members: number,
    group: { conversationId: string; lastSeq: number },
  ) => {
    const started = performance.now();
    const deadline = started + 300_000;
    let behind = 0;
    await pool(members, 16, async (i) => {
      while ((await inboxAt(users[i]!.token, group.conversationId)) < group.lastSeq) {
        if (performance.now() > deadline) {
          behind++;
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    const took = Math.round((performance.now() - started) / 1000);
    log(
      behind === 0
        ? `${members} inboxes at seq ${group.lastSeq} after ${took} s`
        : `${behind} of ${members} inboxes still behind seq ${group.lastSeq} after ${took} s`,
    );
  };
  const target: Target = {
    kind: "product",
    async prepare(members, label) {
      const group = users.slice(0, members);
      let made = groups.get(members);
      if (!made) {
        const res = await fetch(`${http}/v1/conversations/groups`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${group[0]!.token}`,
          },
          body: JSON.stringify({ name: label, memberIds: group.slice(1).map((u) => u.userId) }),
        });
        if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
        const { conversationId } = (await res.json()) as { conversationId: string };
        made = { conversationId, lastSeq: 1 }; // the creation's system message
        groups.set(members, made);
        await settleInboxes(members, made);
      }
      const { conversationId } = made;
      return group.map((u, index) => ({
        index,
        url: `${ws}/v1/conversations/${encodeURIComponent(conversationId)}/ws?v=${PROTOCOL_VERSION}`,
        headers: { authorization: `Bearer ${u.token}` },
      }));
    },
    async settle(members, count) {
      const group = groups.get(members)!;
      group.lastSeq += count;
      await settleInboxes(members, group);
    },
  };
  return {
    target,
    proxyUrl: edge.baseUrl,
    storage: storage.medium,
    dispose: async () => {
      await edge.dispose();
      rmSync(storage.dir, { recursive: true, force: true });
    },
  };
}

type CaseRun = Awaited<ReturnType<typeof runCase>>;

/** One side's rounds of a case as one: deliveries pooled, messages, CPU and waits summed. */
function pooled(runs: readonly CaseRun[]): {
  side: Side;
  count: number;
  cpuMs: number | null;
  waitMs: number | null;
} {
  const sum = (values: (number | null)[]) =>
    values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + v!, 0);
  return {
    side: combineRounds(runs.map((run) => run.reports)),
    count: runs.reduce((s, run) => s + run.count, 0),
    cpuMs: sum(runs.map((run) => run.cpuMs)),
    waitMs: sum(runs.map((run) => run.waitMs)),
  };
}

/** workerd CPU per message for each side, and the ratio (null without /proc). */
function cpuFigures(product: number | null, floor: number | null, count: number) {
  const per = (ms: number | null) => (ms === null ? null : Math.round((ms / count) * 100) / 100);
  return {
    server_cpu_ms_per_msg: per(product),
    floor_server_cpu_ms_per_msg: per(floor),
    ratio_cpu: product === null || !floor ? null : Math.round((product / floor) * 100) / 100,
  };
}

// ── the run ──

const floor = await startFloor();
const product = await startProduct(Math.max(...cases.map((c) => c.members), ceiling ? 100 : 0));
/**
 * The product's workerd processes: wrangler's dev proxy (it listens on the edge's public port) and
 * the user worker's, by pid.
 */
const productPids = [...(workerdCpuByPid()?.keys() ?? [])].filter((pid) => !floor.pids().has(pid));
const proxyPid = listenerPid(productPids, Number(new URL(product.proxyUrl).port));
const productProcesses = new Map<number, string>(
  productPids.map((pid) => [pid, pid === proxyPid ? "proxy" : "user"]),
);
log(`product workerd processes: ${JSON.stringify([...productProcesses])}`);
try {
  for (const { members, rate } of cases) {
    for (const delivered of [false, true]) {
      const what = `${members} members x ${rate} msg/s, ${delivered ? "with" : "no"} delivered acks`;
      // A fresh floor room each round: an overloaded room (100 x 200 with acks) is still working
      // through its backlog when the round ends, and a room used again handed that backlog to the
      // next round's sockets (seen: all 100 of its upgrades refused).
      const label = `${members}x${rate}-${delivered ? "acks" : "silent"}-${Date.now().toString(36)}`;
      const runs = { floor: [] as CaseRun[], product: [] as CaseRun[] };
      for (let round = 0; round < rounds; round++) {
        const order =
          round % 2 === 0 ? (["floor", "product"] as const) : (["product", "floor"] as const);
        for (const kind of order) {
          log(`${what}: ${kind}${rounds > 1 ? `, round ${round + 1} of ${rounds}` : ""}`);
          const target = kind === "floor" ? floor.target : product.target;
          const room = `${label}-r${round + 1}`;
          const profiled =
            values["profile-case"] === `${members}x${rate}${delivered ? "" : ":silent"}` &&
            kind === "product" &&
            round === 0
              ? join(tmpdir(), `fanout-profile-${members}x${rate}`)
              : undefined;
          const run = await runCase(
            target,
            room,
            members,
            rate,
            delivered,
            secondsFor(rate) / rounds,
            profiled,
          );
          if (run.profile) log(`profile (${profiled}.cpuprofile):\n${run.profile.join("\n")}`);
          runs[kind].push(run);
        }
      }
      const f = pooled(runs.floor);
      const p = pooled(runs.product);
      const line = {
        ...fanoutLine({ members, rate, delivered, count: p.count, rounds }, p.side, f.side),
        ...cpuFigures(p.cpuMs, f.cpuMs, p.count),
        // The servers' threads' time runnable but waiting for a CPU during the case (ms).
        server_runq_wait_ms: p.waitMs,
        floor_server_runq_wait_ms: f.waitMs,
        storage: product.storage,
        metrics: metricsSink !== undefined,
        ...(metricsSink ? { metrics_points: metricsSink.points() } : {}),
      };
      console.log(JSON.stringify(line));
    }
  }
  if (ceiling) {
    // The conversation's ceiling: step the inbound rate with 100 members (silent) until a step
    // loses a delivery or its p99 passes 1 s; the last clean step is the ceiling.
    const steps = values.steps
      ? values.steps.split(",").map(Number)
      : values.quick
        ? [250, 500, 1000]
        : [250, 500, 750, 1000, 1250, 1500, 2000];
    let best = 0;
    let limitedBy = "none (every step passed)";
    let driverSaturated = false;
    const stepsOut: {
      rate: number;
      p50_ms: number;
      p99_ms: number;
      lost: number;
      frames: number;
      server_cpu_ms_per_msg: number | null;
      /** workerd CPU per message of the product's dev proxy and user worker processes. */
      proxy_cpu_ms_per_msg: number | null;
      user_cpu_ms_per_msg: number | null;
      driver_cpu_pct: number;
      driver_saturated: boolean;
    }[] = [];
    for (const rate of steps) {
      log(`ceiling: 100 members x ${rate} msg/s`);
      const profileFile =
        values.profile && Number(values.profile) === rate
          ? join(tmpdir(), `fanout-profile-${rate}`)
          : undefined;
      const { side, count, cpuMs, byPid, profile } = await runCase(
        product.target,
        `ceiling-${rate}`,
        100,
        rate,
        false,
        2,
        profileFile,
      );
      if (profile)
        log(`profile at ${rate} msg/s (${profileFile}.cpuprofile):\n${profile.join("\n")}`);
      const ofKind = (kind: string) => {
        let ms = 0;
        for (const [pid, used] of byPid) if (productProcesses.get(pid) === kind) ms += used;
        return productProcesses.size === 0 ? null : Math.round((ms / count) * 100) / 100;
      };
      const lost = 100 * count - side.deliveries;
      const sat = saturated(side);
      stepsOut.push({
        rate,
        p50_ms: Math.round(side.p50),
        p99_ms: Math.round(side.p99),
        lost,
        frames: side.frames,
        server_cpu_ms_per_msg: cpuFigures(cpuMs, null, count).server_cpu_ms_per_msg,
        proxy_cpu_ms_per_msg: ofKind("proxy"),
        user_cpu_ms_per_msg: ofKind("user"),
        driver_cpu_pct: Math.round(side.driverCpuPct),
        driver_saturated: sat,
      });
      if (lost > 0 || side.p99 > 1000) {
        limitedBy =
          lost > 0 ? `loss at ${rate} msg/s` : `p99 ${Math.round(side.p99)} ms at ${rate}`;
        driverSaturated = sat;
        break;
      }
      best = rate;
    }
    console.log(
      JSON.stringify({
        bench: "fanout-ceiling",
        members: 100,
        storage: product.storage,
        ceiling_msgs_per_s: best,
        limited_by: limitedBy,
        driver_saturated_at_limit: driverSaturated,
        steps: stepsOut,
      }),
    );
  }
} finally {
  await Promise.all(threads.map((t) => t.terminate()));
  await product.dispose();
  await floor.dispose();
}
