// Benchmark: end-to-end write lag, edge ack → row visible in Cassandra, in the local datacenter
// (dc1, region A persists) and in the other one (dc2, by replication), at a steady load.
//
// The whole system of the e2e suite (@edge-chat/e2e's startSystem: the edge Worker in workerd,
// region A's ingest and persister, region B) on its own keyspace and topics. One SDK user sends
// `--rate` messages/s for `--seconds` in a direct conversation; every acknowledged message's ack
// time is recorded; both datacenters are polled (every 20 ms, LOCAL_QUORUM) for the rows. Lag =
// first poll that saw the row − the ack, so it includes up to one polling interval. Then every
// acknowledged message must be stored exactly once in both. JSON lines.
// Usage: npm run bench -- e2e-lag [--rate 20 --seconds 10]
import { parseArgs } from "node:util";
import { chatUser, startSystem, until } from "@edge-chat/e2e";
import { ensureServices } from "@edge-chat/services";
import { jsonLine, summarize } from "./measure.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    seconds: { type: "string", default: "10" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const BENCH = "e2e-lag";

const services = await ensureServices({ only: ["cassandra", "kafka"] });
const dcs = services.cassandra.dataCenters.map((dc) => dc.name);
const system = await startSystem({ label: "bench_lag", services });
try {
  const alice = await chatUser(system.edge.baseUrl, "lag-a");
  const bob = await chatUser(system.edge.baseUrl, "lag-b");
  const { conversationId } = await alice.client.createDirect(bob.userId);
  const session = await alice.open(conversationId);

  const ackedAt = new Map<number, number>();
  const seenAt = new Map(dcs.map((dc) => [dc, new Map<number, number>()]));
  let polling = true;
  let highest = 0;
  const poll = async (dc: string) => {
    const seen = seenAt.get(dc)!;
    while (polling) {
      if (highest > 0) {
        const rows = await system.storage.storedRows(conversationId, dc, highest);
        const now = performance.now();
        for (const row of rows) if (!seen.has(row.seq)) seen.set(row.seq, now);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const pollers = dcs.map(poll);

  // A steady rate: send i goes out at start + i / rate, whatever the previous ones are doing.
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(
      session.sendText(`lag ${i}`).then((ack) => {
        ackedAt.set(ack.seq, performance.now());
        highest = Math.max(highest, ack.seq);
      }),
    );
  }
  await Promise.all(sends);
  await until(
    () => dcs.every((dc) => [...ackedAt.keys()].every((seq) => seenAt.get(dc)!.has(seq))),
    "every acknowledged message to be visible in every datacenter",
    { everyMs: 100, timeoutMs: 300_000 },
  );
  polling = false;
  await Promise.all(pollers);

  for (const dc of dcs) {
    const seen = seenAt.get(dc)!;
    const lags = [...ackedAt].map(([seq, at]) => Math.max(0, seen.get(seq)! - at));
    const rows = await system.storage.storedRows(conversationId, dc, highest);
    const acked = rows.filter((row) => ackedAt.has(row.seq));
    const clientIds = new Set(acked.map((row) => row.clientMsgId));
    jsonLine({
      bench: BENCH,
      case: `ack → row visible in ${dc}`,
      ratePerSecond: rate,
      ...summarize(`lag ${dc}`, lags.length, seconds, lags),
      acknowledged: ackedAt.size,
      storedOnce: acked.length === ackedAt.size && clientIds.size === acked.length,
      pollEveryMs: 20,
    });
  }
  alice.closeAll();
  bob.closeAll();
} finally {
  await system.stop();
}
