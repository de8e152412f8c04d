// One load-driver thread of the fan-out benchmark (a worker_threads Worker). It owns a slice of the
// members' WebSockets: it opens them, sends the messages whose sender is one of its members at
// their scheduled time (message i at t0 + i / rate, sent by member i mod N), and records for every
// delivery the latency from the sender's clock (epoch milliseconds at microsecond resolution, the
// same clock in every thread). It reports its own event-loop utilisation so a saturated driver says
// so. Speaks the product's protocol (welcome, message, messages, delivered) and the floor's echo.
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
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
let done: (() => void) | undefined;
let expectedHere = 0;
let receivedHere = 0;

function post(message: FromDriver): void {
  port.postMessage(message);
}

/** The message number and send time carried in the text, or null for a frame of another case. */
function parseText(text: string): { i: number; at: number } | null {
  const [caseId, i, at] = text.split("|");
  if (caseId !== task?.caseId || i === undefined || at === undefined) return null;
  return { i: Number(i), at: Number(at) };
}

function onDelivery(member: Member, text: string, now: number, seq: number | undefined): void {
  const parsed = parseText(text);
  if (!parsed) return;
  if (member.seen[parsed.i]) {
    duplicates++;
    return;
  }
  member.seen[parsed.i] = 1;
  member.unique++;
  receivedHere++;
  latencies.push(now - parsed.at);
  if (seq !== undefined) member.deliveredUpTo = Math.max(member.deliveredUpTo, seq);
  if (receivedHere === expectedHere) done?.();
}

function onFrame(member: Member, data: string): void {
  const now = epochNow();
  frames++;
  const frame = JSON.parse(data) as {
    type: string;
    message?: { seq: number; content: { text?: string } };
    messages?: { seq: number; content: { text?: string } }[];
    content?: { text?: string };
  };
  let ackSeq: number | undefined;
  switch (frame.type) {
    case "message":
      onDelivery(member, frame.message!.content.text ?? "", now, frame.message!.seq);
      ackSeq = frame.message!.seq;
      break;
    case "messages":
      for (const m of frame.messages!) onDelivery(member, m.content.text ?? "", now, m.seq);
      ackSeq = frame.messages!.at(-1)?.seq;
      break;
    case "send": {
      // The floor echoes the send frame itself.
      const text = frame.content?.text ?? "";
      onDelivery(member, text, now, undefined);
      const parsed = parseText(text);
      if (parsed) ackSeq = parsed.i + 1;
      break;
    }
    case "error":
      errors++;
      break;
  }
  // Every member answers like the SDK: one `delivered` per frame that brought messages.
  if (task?.delivered && ackSeq !== undefined) {
    member.ws.send(`{"type":"delivered","upToSeq":${ackSeq}}`);
  }
}

async function open(task: CaseTask): Promise<void> {
  const opened: Promise<Member>[] = task.sockets.map(
    (socket) =>
      new Promise<Member>((resolve, reject) => {
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
          errors++;
        });
      }),
  );
  members = await Promise.all(opened);
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
  const drainUntil = t0 + (task.count * 1000) / task.rate + task.drainMs;
  await Promise.race([finished, new Promise((r) => setTimeout(r, drainUntil - epochNow()))]);
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
