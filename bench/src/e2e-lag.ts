// Benchmark: end-to-end write lag, edge ack → row visible in Cassandra, in the local datacenter
// (dc1, region A persists) and in the other one (dc2, by replication), at a steady load, with the
// tail split per stage.
//
// The whole system of the e2e suite (@edge-chat/e2e's startSystem: the edge Worker in workerd,
// region A's ingest and persister, region B) on its own keyspace and topics. A warm-up first
// (`--warmup` messages, each waited for in both datacenters: the persister's consumer joins its
// group in the background after region-core starts, and the first batches would otherwise measure
// that join, not the steady state; the line says how long it took). Then one SDK user sends
// `--rate` messages/s for `--seconds` in a direct conversation; both datacenters are polled (every
// 20 ms, LOCAL_QUORUM) for the rows. Lag = first poll that saw the row − the ack's arrival, so it
// includes up to one polling interval. Every acknowledged message must be stored exactly once in
// both. A last line splits ack → written in dc1 by stage, all on this machine's clock: the ack's
// serverTs (durable in the ConversationDO), the ingest's x-ingest-at header (the outbox's wait and
// the HTTP call before it), the Kafka record's timestamp (set by region-core's producer), and the
// row's WRITETIME (the persister's insert: Kafka append, consumer fetch and the Cassandra write).
// Usage: npm run bench -- e2e-lag [--rate 20 --seconds 10 --warmup 5]
import { parseArgs } from "node:util";
import { chatUser, messageRecords, recordKey, startSystem, until } from "@edge-chat/e2e";
import { ensureServices } from "@edge-chat/services";
import { jsonLine, summarize, watchDriver } from "./measure.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "5" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const BENCH = "e2e-lag";
const POLL_MS = 20;

const services = await ensureServices({ only: ["cassandra", "kafka"] });
const dcs = services.cassandra.dataCenters.map((dc) => dc.name);
const system = await startSystem({ label: "bench_lag", services });
try {
  const alice = await chatUser(system.edge.baseUrl, "lag-a");
  const bob = await chatUser(system.edge.baseUrl, "lag-b");
  const { conversationId } = await alice.client.createDirect(bob.userId);
  const session = await alice.open(conversationId);

  const visibleEverywhere = async (upTo: number) => {
    for (const dc of dcs) {
      const rows = await system.storage.storedRows(conversationId, dc, upTo);
      if (!rows.some((row) => row.seq === upTo)) return false;
    }
    return true;
  };
  const warmStart = performance.now();
  for (let i = 0; i < warmup; i++) {
    const ack = await session.sendText(`warm-up ${i}`);
    await until(() => visibleEverywhere(ack.seq), "a warm-up message in every datacenter", {
      everyMs: 50,
      timeoutMs: 120_000,
    });
  }
  jsonLine({
    bench: BENCH,
    case: "warm-up (not measured)",
    messages: warmup,
    ms: performance.now() - warmStart,
  });

  // serverTs and the client's receipt time of every measured ack, by seq.
  const acks = new Map<number, { serverTs: number; at: number }>();
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
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const pollers = dcs.map(poll);

  // A steady rate: send i goes out at start + i / rate, whatever the previous ones are doing.
  const driver = watchDriver();
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(
      session.sendText(`lag ${i}`).then((ack) => {
        acks.set(ack.seq, { serverTs: ack.serverTs, at: performance.now() });
        highest = Math.max(highest, ack.seq);
      }),
    );
  }
  await Promise.all(sends);
  const load = driver();
  await until(
    () => dcs.every((dc) => [...acks.keys()].every((seq) => seenAt.get(dc)!.has(seq))),
    "every acknowledged message to be visible in every datacenter",
    { everyMs: 100, timeoutMs: 300_000 },
  );
  polling = false;
  await Promise.all(pollers);

  const writtenAt = new Map<number, number>();
  for (const dc of dcs) {
    const seen = seenAt.get(dc)!;
    const lags = [...acks].map(([seq, ack]) => Math.max(0, seen.get(seq)! - ack.at));
    const rows = await system.storage.storedRows(conversationId, dc, highest);
    const acked = rows.filter((row) => acks.has(row.seq));
    if (dc === dcs[0]) for (const row of acked) writtenAt.set(row.seq, row.writtenAt);
    const clientIds = new Set(acked.map((row) => row.clientMsgId));
    jsonLine({
      bench: BENCH,
      case: `ack → row visible in ${dc}`,
      ratePerSecond: rate,
      ...summarize(`lag ${dc}`, lags.length, seconds, lags),
      acknowledged: acks.size,
      storedOnce: acked.length === acks.size && clientIds.size === acked.length,
      pollEveryMs: POLL_MS,
      driver: load,
    });
  }

  // The per-stage split, on the records of whichever region's ingest took each batch.
  const regions = ["eu-west", "us-east"];
  const records = await messageRecords(
    {
      brokers: services.kafka.brokers,
      topics: new Map(regions.map((region) => [system.storage.topics(region).topic, region])),
      groupPrefix: system.storage.runId,
    },
    new Set([...acks.keys()].map((seq) => recordKey(conversationId, seq))),
  );
  const stages = { toIngest: [] as number[], toKafka: [] as number[], toWritten: [] as number[] };
  const endToEnd: number[] = [];
  for (const [seq, ack] of acks) {
    const record = records.get(recordKey(conversationId, seq))?.[0];
    const written = writtenAt.get(seq);
    if (record?.ingestAt === undefined || written === undefined) continue;
    stages.toIngest.push(record.ingestAt - ack.serverTs);
    stages.toKafka.push(record.at - record.ingestAt);
    stages.toWritten.push(written - record.at);
    endToEnd.push(written - ack.serverTs);
  }
  const p = (label: string, values: number[]) => {
    const { p50Ms, p99Ms } = summarize(label, values.length, seconds, values);
    const max = Math.max(...values);
    return { p50: p50Ms, p99: p99Ms, max };
  };
  jsonLine({
    bench: BENCH,
    case: "ack → row written (its WRITETIME), by stage",
    ratePerSecond: rate,
    messages: endToEnd.length,
    regions: Object.fromEntries(
      regions.map((region) => [
        region,
        [...records.values()].filter((list) => list[0]?.regionId === region).length,
      ]),
    ),
    ackToWrittenMs: p("total", endToEnd),
    stagesMs: {
      "ack → ingest received (outbox wait + HTTP)": p("edge", stages.toIngest),
      "ingest received → Kafka record timestamp": p("ingest", stages.toKafka),
      "Kafka record → row written (append, fetch, insert)": p("persist", stages.toWritten),
    },
  });
  alice.closeAll();
  bob.closeAll();
} finally {
  await system.stop();
}
