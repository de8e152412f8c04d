// Benchmark: cross-region visibility. A message acknowledged at the edge (durable in its
// ConversationDO) travels region outbox → region A's ingest → Kafka → A's persister → Cassandra
// (LOCAL_QUORUM in A's datacenter) and is replicated to the other datacenter. For each message,
// sent one at a time over HTTP, this measures the time from the edge's ack until it is readable
// through region A's history API (its own DC: the floor) and through region B's (the other DC),
// polling both every few milliseconds. The system is e2e's (`startSystem`): the edge in workerd,
// region A as ingest + persister processes, region B, all with the real adapters, on a keyspace and
// topics of this run. Usage: npm run cross-region-lag -w bench [-- --messages 100 --poll-ms 5]
import { parseArgs } from "node:util";
import { type RunningEdge, startSystem } from "@edge-chat/e2e";
import { ensureServices } from "@edge-chat/services";
import { printTable, summarize } from "./measure.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "100" },
    "poll-ms": { type: "string", default: "5" },
  },
});
const count = Number(values.messages);
const pollMs = Number(values["poll-ms"]);

const services = await ensureServices({ only: ["cassandra", "kafka"] });
const system = await startSystem({ label: "bench_lag", services });

async function post(edge: RunningEdge, path: string, token: string | null, body: unknown) {
  const res = await fetch(`${edge.baseUrl}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

/** Resolves with the time (performance.now) at which `seq` became readable from `baseUrl`. */
async function readableAt(baseUrl: string, conv: string, userId: string, seq: number) {
  const query = new URLSearchParams({ userId, after: String(seq - 1), limit: "1" });
  for (;;) {
    const res = await fetch(`${baseUrl}/v1/history/${encodeURIComponent(conv)}?${query}`, {
      headers: { authorization: `Bearer ${await system.keys.token()}` },
    });
    if (res.ok) {
      const page = (await res.json()) as { messages: Array<{ seq: number }> };
      if (page.messages[0]?.seq === seq) return performance.now();
    } else {
      await res.body?.cancel();
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

try {
  const userId = `lag-${system.storage.runId}`;
  const { token } = (await post(system.edge, "/dev/tokens", null, { userId })) as { token: string };
  const created = await post(system.edge, "/v1/conversations/direct", token, { peerId: "peer" });
  const conv = String(created.conversationId);
  const local: number[] = [];
  const remote: number[] = [];
  const started = performance.now();
  for (let i = 1; i <= count; i++) {
    const ack = await post(
      system.edge,
      `/v1/conversations/${encodeURIComponent(conv)}/messages`,
      token,
      {
        clientMsgId: `lag-${i}`,
        content: { kind: "text", text: `lag ${i}` },
      },
    );
    const ackedAt = performance.now();
    const seq = Number(ack.seq);
    const [a, b] = await Promise.all([
      readableAt(system.aIngest.url, conv, userId, seq),
      readableAt(system.b.url, conv, userId, seq),
    ]);
    local.push(a - ackedAt);
    remote.push(b - ackedAt);
  }
  const seconds = (performance.now() - started) / 1000;
  const [dcA, dcB] = services.cassandra.dataCenters.map((dc) => dc.name);
  console.log(
    `\ncross-region visibility: edge ack → readable (one message at a time; polling every ${pollMs} ms)`,
  );
  const rows = [
    summarize(`readable in ${dcA} (writer's DC)`, count, seconds, local),
    summarize(`readable in ${dcB} (other DC)`, count, seconds, remote),
  ];
  printTable(rows);
  const extra = remote.map((r, i) => r - local[i]!);
  const extraRow = summarize("other DC minus writer's DC", count, seconds, extra);
  console.log(
    JSON.stringify({
      bench: "cross-region-lag",
      messages: count,
      writerDc: { p50Ms: rows[0]!.p50Ms, p99Ms: rows[0]!.p99Ms },
      otherDc: { p50Ms: rows[1]!.p50Ms, p99Ms: rows[1]!.p99Ms },
      replicationExtra: { p50Ms: extraRow.p50Ms, p99Ms: extraRow.p99Ms },
      // One message at a time: the driver never saturates anything; this is latency, not load.
      saturated: false,
    }),
  );
} finally {
  // Dropping the run's keyspace is a schema change a busy cluster may time out on; the figures are
  // printed by then, and the keyspace name is unique to this run.
  await system.stop().catch((error: unknown) => console.warn(`cleanup: ${String(error)}`));
}
