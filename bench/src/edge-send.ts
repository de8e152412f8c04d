// Benchmark: the edge Worker in workerd (root wrangler.toml, started from Node with wrangler's
// unstable_startWorker), SDK members connected over real loopback WebSockets.
//
//   acks      ack throughput and p50/p99 ack latency (send → ack) for 1 sender vs 4 concurrent
//             senders in one conversation (one Durable Object), and 4 senders in 4 conversations;
//   fan-out   one sender, 2 vs 10 vs 50 connected members: messages/s delivered to every member,
//             and p50/p99 of send → the last member's delivery.
//
// No region is configured (REGIONS=[]), so the edge's region outbox accumulates instead of
// flushing: this measures the edge alone. Rate limits are lifted; the SDK's automatic `delivered`
// is off so the figures are sends and deliveries only. Ratios within one run are the figures to
// read. With --metrics-collector <url> the edge also posts its latency points there (as under npm
// start), to compare the figures with and without edge metrics recording. Usage: npm run edge-send
// -w bench [-- --acks 400 --fanout 200 --metrics-collector <url>]
import { parseArgs } from "node:util";
import {
  type ChatUser,
  chatUser,
  serviceKeys,
  startEdge,
  UNLIMITED_RATES,
  until,
} from "@edge-chat/e2e";
import { type Figures, measure, printTable, ratio, summarize } from "./measure.ts";

const { values } = parseArgs({
  options: {
    acks: { type: "string", default: "400" },
    fanout: { type: "string", default: "200" },
    "fanout-in-flight": { type: "string", default: "4" },
    "metrics-collector": { type: "string" },
  },
});
const ackCount = Number(values.acks);
const fanoutCount = Number(values.fanout);
const fanoutInFlight = Number(values["fanout-in-flight"]);

const edge = await startEdge({
  regions: [],
  signingKey: serviceKeys().signingKey,
  vars: {
    ...UNLIMITED_RATES,
    WINDOW_SIZE: "5000",
    ...(values["metrics-collector"] ? { METRICS_COLLECTOR_URL: values["metrics-collector"] } : {}),
  },
});
const options = { autoDelivered: false } as const;
const users: ChatUser[] = [];
async function members(label: string, count: number) {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) => chatUser(edge.baseUrl, `${label}${i}`)),
  );
  users.push(...created);
  const group = await created[0]!.client.createGroup({
    name: label,
    memberIds: created.slice(1).map((u) => u.userId),
  });
  const sessions = [];
  for (const user of created) sessions.push(await user.open(group.conversationId, options));
  return { users: created, sessions, conversationId: group.conversationId };
}

try {
  // ── acks ──
  const ackRows: Figures[] = [];
  const one = await members("one", 2);
  await measure("warm-up", 50, 1, async (i) => void (await one.sessions[0]!.sendText(`w${i}`)));
  ackRows.push(
    await measure("acks: 1 sender", ackCount, 1, async (i) => {
      await one.sessions[0]!.sendText(`one ${i}`);
    }),
  );
  const four = await members("four", 4);
  ackRows.push(
    await measure("acks: 4 senders, 1 conversation", ackCount, 4, async (i) => {
      await four.sessions[i % 4]!.sendText(`four ${i}`);
    }),
  );
  const apart = await Promise.all([0, 1, 2, 3].map((k) => members(`apart${k}-`, 2)));
  ackRows.push(
    await measure("acks: 4 senders, 4 conversations", ackCount, 4, async (i) => {
      await apart[i % 4]!.sessions[0]!.sendText(`apart ${i}`);
    }),
  );
  console.log("\nedge: send → ack over a WebSocket (durable in the ConversationDO's SQLite)");
  printTable(ackRows);
  console.log(ratio(ackRows[1]!, ackRows[0]!));
  console.log(ratio(ackRows[2]!, ackRows[0]!));

  // ── fan-out ──
  const fanRows: Figures[] = [];
  for (const size of [2, 10, 50]) {
    const group = await members(`fan${size}-`, size);
    const sender = group.sessions[0]!;
    const sentAt = new Map<string, number>();
    const lastArrival = new Map<string, number>();
    const arrivals = new Map<string, number>();
    for (const session of group.sessions) {
      session.on("message", (message) => {
        const n = (arrivals.get(message.clientMsgId) ?? 0) + 1;
        arrivals.set(message.clientMsgId, n);
        lastArrival.set(message.clientMsgId, performance.now());
      });
    }
    // Warm-up outside the measurement: sockets, the DO and its SQLite are hot before timing.
    await measure(
      "warm-up",
      20,
      fanoutInFlight,
      async (i) => void (await sender.sendText(`w${i}`)),
    );
    await until(
      () => group.sessions.every((session) => session.lastSeq >= sender.lastSeq),
      "the warm-up to reach every member",
      { everyMs: 10 },
    );
    let complete = 0;
    const started = performance.now();
    await measure(`fan-out ${size}`, fanoutCount, fanoutInFlight, async (i) => {
      const clientMsgId = `fan-${size}-${i}-${Math.round(started)}`;
      sentAt.set(clientMsgId, performance.now());
      await sender.send({ kind: "text", text: `fan-out ${i}` }, { clientMsgId });
    });
    await until(
      () => {
        complete = [...sentAt.keys()].filter((id) => arrivals.get(id) === size).length;
        return complete === fanoutCount;
      },
      `${size} members to receive ${fanoutCount} messages`,
      { everyMs: 10, timeoutMs: 300_000 },
    );
    const done = Math.max(...lastArrival.values());
    const latencies = [...sentAt].map(([id, at]) => lastArrival.get(id)! - at);
    const row = summarize(
      `fan-out: ${size} members (msgs to all)`,
      fanoutCount,
      (done - started) / 1000,
      latencies,
    );
    fanRows.push(row);
    fanRows.push({
      ...row,
      label: `  = deliveries (${size} members)`,
      ops: fanoutCount * size,
      opsPerSecond: (fanoutCount * size) / row.seconds,
    });
    for (const user of group.users) user.closeAll();
  }
  console.log(
    `\nedge: fan-out, one sender (${fanoutInFlight} sends in flight), every member on its own WebSocket; latency = send → last member's delivery`,
  );
  printTable(fanRows);
  const all = fanRows.filter((row) => !row.label.startsWith("  ="));
  console.log(ratio(all[1]!, all[0]!));
  console.log(ratio(all[2]!, all[0]!));
} finally {
  for (const user of users) user.closeAll();
  await edge.dispose();
}
