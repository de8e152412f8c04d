// One load-driver thread of the fan-out benchmark (a worker_threads Worker). It owns a slice of the
// members' WebSockets: it opens them, sends the messages whose sender is one of its members at
// their scheduled time (message i at t0 + i / rate, sent by member i mod N), and records for every
// delivery the latency from the sender's clock (epoch milliseconds at microsecond resolution, the
// same clock in every thread). It reports its own event-loop utilisation so a saturated driver says
// so. Speaks the product's protocol (welcome, message, messages, delivered) and the floor's echo.
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { scanFrame } from "./frame-scan.ts";
import type { CaseTask, DriverReport, FromDriver, ToDriver } from "./messages.ts";

const port = parentPort!;
const threadId: number = workerData.threadId;
const epochNow = () => performance.timeOrigin + performance.now();

interface Member {
  index: number;
  ws: WebSocket;
  seen: Uint8Array;
  unique: number;
  deliveredUpTo: number;
}

let members: Member[] = [];
let task: CaseTask | undefined;
let latencies: number[] = [];
let sendLag: number[] = [];
let duplicates = 0;
let errors = 0;
let frames = 0;
let frameChars = 0;
/** Per message of the case: the earliest and latest delivery time on this thread (epoch ms). */
let firstAt = new Float64Array(0);
let sentAt = new Float64Array(0);
let lastAt = new Float64Array(0);
let done: (() => void) | undefined;
let expectedHere = 0;
let receivedHere = 0;

function post(message: FromDriver): void {
  port.postMessage(message);
}

function onDelivery(member: Member, i: number, at: number, now: number): void {
  if (!(i >= 0 && i < member.seen.length)) return;
  if (member.seen[i]) {
    duplicates++;
    return;
  }
  member.seen[i] = 1;
  member.unique++;
  receivedHere++;
  latencies.push(now - at);
  if (!(firstAt[i]! <= now)) firstAt[i] = now;
  if (!(lastAt[i]! >= now)) lastAt[i] = now;
  sentAt[i] = at;
  if (receivedHere === expectedHere) done?.();
}

function onFrame(member: Member, data: string): void {
  const now = epochNow();
  frames++;
  frameChars += data.length;
  let lastI = -1;
  const { texts, seq, error } = scanFrame(data, task?.caseId ?? "", (i, at) => {
    onDelivery(member, i, at, now);
    lastI = i;
  });
  if (error) errors++;
  if (texts === 0) return;
  if (seq !== undefined) member.deliveredUpTo = Math.max(member.deliveredUpTo, seq);
  // Every member answers like the SDK: one `delivered` per frame that brought messages (the
  // floor's echo carries no seq: its message number stands in).
  if (task?.delivered) {
    member.ws.send(`{"type":"delivered","upToSeq":${seq ?? lastI + 1}}`);
  }
}

/** Opens one member's socket; resolves when it is ready (the product's welcome, the floor's open). */
function openOne(task: CaseTask, socket: CaseTask["sockets"][number]): Promise<Member> {
  return new Promise<Member>((resolve, reject) => {
    const ws = new WebSocket(socket.url, socket.headers ? { headers: socket.headers } : []);
    const member: Member = {
      index: socket.index,
      ws,
      seen: new Uint8Array(task.count),
      unique: 0,
      deliveredUpTo: 0,
    };
    let ready = false;
    ws.addEventListener("message", (event) => {
      const data = String(event.data);
      if (!ready && data.startsWith('{"type":"welcome"')) {
        ready = true;
        resolve(member);
        return;
      }
      onFrame(member, data);
    });
    ws.addEventListener("open", () => {
      // The floor says nothing on connect: open is ready.
      if (task.target === "floor") {
        ready = true;
        resolve(member);
      }
    });
    ws.addEventListener("error", () => {
      if (!ready) reject(new Error(`socket ${socket.index} failed to open`));
      else errors++;
    });
    ws.addEventListener("close", (event) => {
      if (!ready) reject(new Error(`socket ${socket.index} closed ${event.code} ${event.reason}`));
    });
  });
}

/**
 * Opens this thread's sockets, each retried a few times (reported on stderr), so one upgrade lost
 * on the way does not end a long run; a server that refuses them all still fails the case. (Seen
 * before main.ts lifted the global per-IP limit: 1, then 840 of 1,024 upgrades refused.)
 */
async function open(task: CaseTask): Promise<void> {
  members = await Promise.all(
    task.sockets.map(async (socket) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await openOne(task, socket);
        } catch (error) {
          if (attempt >= 3) throw error;
          process.stderr.write(`[fanout] ${String(error)}; retrying\n`);
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    }),
  );
}

/**
 * The longest a thread waits for deliveries after its last scheduled send, arriving or not: an
 * overloaded floor room (100 x 200 with acks) trickles for minutes, and 30 s let both sides deliver
 * all of 1,024 x 5 with acks before.
 */
const DRAIN_CAP_MS = 30_000;

/**
 * Resolves once no delivery has arrived for `drainMs` (counted from `lastSendAt` at the earliest),
 * or DRAIN_CAP_MS after it: a message still coming is waited for and counted with its latency, a
 * lost one ends the wait. (A fixed drain after the last send counted a server's backlog as missing
 * at 1,024 x 5 with acks, where both sides run past their CPU and deliver everything, late.)
 */
function quiet(lastSendAt: number, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    let count = receivedHere;
    let quietSince = lastSendAt;
    const check = () => {
      const now = epochNow();
      if (receivedHere !== count) {
        count = receivedHere;
        quietSince = Math.max(lastSendAt, now);
      }
      const over = now - quietSince >= drainMs || now - lastSendAt >= DRAIN_CAP_MS;
      if (over || receivedHere === expectedHere) return resolve();
      setTimeout(check, Math.min(250, Math.max(1, quietSince + drainMs - now)));
    };
    check();
  });
}

async function run(task: CaseTask, t0: number): Promise<DriverReport> {
  const n = task.members;
  const mine = new Map(members.map((m) => [m.index, m]));
  const toSend: number[] = [];
  for (let i = 0; i < task.count; i++) if (mine.has(i % n)) toSend.push(i);
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.threadCpuUsage?.() ?? process.cpuUsage();
  const wall0 = performance.now();
  const finished = new Promise<void>((resolve) => {
    done = resolve;
    if (receivedHere === expectedHere) resolve();
  });
  // Send on schedule: a timer per due time slice, catching up if the thread fell behind.
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = epochNow();
      while (next < toSend.length) {
        const i = toSend[next]!;
        const due = t0 + (i * 1000) / task.rate;
        if (due > now) break;
        const at = epochNow();
        sendLag.push(at - due);
        const id = `${task.caseId}-${i}`;
        const text = `${task.caseId}|${i}|${at}`;
        mine
          .get(i % n)!
          .ws.send(
            `{"type":"send","reqId":"${id}","clientMsgId":"${id}","content":{"kind":"text","text":"${text}"}}`,
          );
        next++;
      }
      if (next >= toSend.length) return resolve();
      const due = t0 + (toSend[next]! * 1000) / task.rate;
      setTimeout(tick, Math.max(0, due - epochNow()));
    };
    tick();
  });
  await Promise.race([finished, quiet(t0 + (task.count * 1000) / task.rate, task.drainMs)]);
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.threadCpuUsage?.(cpu0) ?? process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  return {
    threadId,
    latencies: Float64Array.from(latencies),
    sendLag: Float64Array.from(sendLag),
    unique: members.reduce((sum, m) => sum + m.unique, 0),
    duplicates,
    errors,
    frames,
    frameChars,
    firstAt,
    lastAt,
    sentAt,
    elu: elu.utilization,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
  };
}

port.on("message", async (message: ToDriver) => {
  try {
    if (message.kind === "open") {
      task = message.task;
      latencies = [];
      sendLag = [];
      duplicates = 0;
      errors = 0;
      frames = 0;
      frameChars = 0;
      firstAt = new Float64Array(task.count).fill(Number.NaN);
      lastAt = new Float64Array(task.count).fill(Number.NaN);
      sentAt = new Float64Array(task.count).fill(Number.NaN);
      receivedHere = 0;
      expectedHere = task.sockets.length * task.count;
      await open(task);
      post({ kind: "ready" });
    } else if (message.kind === "go") {
      const report = await run(task!, message.t0);
      for (const m of members) m.ws.close(1000, "done");
      members = [];
      done = undefined;
      post({ kind: "report", report });
    }
  } catch (error) {
    post({ kind: "failed", error: String(error) });
  }
});
