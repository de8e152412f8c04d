// The Kafka broker stopped for CHAOS_FAULT_MS and started again (both regions' ingest and
// persisters lose it). Acks go on meanwhile (durable at the edge). recovery_ms: broker healthy
// again → everything acknowledged so far is in Cassandra in every DC; detail splits it (publishTimes).
import { messageRecords, recordKey } from "../kafka-records.ts";
import { startService, stopService } from "../services.ts";
import { backlogDrainMs, type FaultContext, type Scenario, sleep } from "../scenario.ts";

export const kafkaRestart: Scenario = {
  name: "kafka-restart",
  summary: "stop the broker, start it again; recovery_ms = broker back → backlog in every DC",
  async inject(ctx) {
    const { options, stream, log } = ctx;
    const stopping = Date.now();
    await stopService("kafka");
    log(`kafka-restart: broker stopped in ${Date.now() - stopping} ms`);
    await sleep(options.faultMs);
    const starting = Date.now();
    await startService("kafka");
    const back = Date.now();
    log(`kafka-restart: broker back in ${back - starting} ms; ${stream.acked()} acked`);
    const drainMs = await backlogDrainMs(ctx, back);
    return {
      recoveryMs: drainMs,
      detail: { broker_start_ms: back - starting, ...(await publishTimes(ctx, back)) },
    };
  },
};

/**
 * Where the drain's time goes: broker back → the first and the last backlog record published by an
 * ingest (the edge's retries and the producers' reconnect); the rest of recovery_ms is the persisters.
 */
async function publishTimes(ctx: FaultContext, back: number): Promise<Record<string, number>> {
  const acked = ctx.stream.sent.filter((s) => s.ack);
  const records = await messageRecords(
    ctx.system,
    new Set(acked.map((s) => recordKey(s.conversationId, s.ack!.seq))),
  );
  const after = [...records.values()].map((list) => list[0]!.at).filter((at) => at >= back);
  if (after.length === 0) return {};
  return {
    first_publish_ms: Math.min(...after) - back,
    last_publish_ms: Math.max(...after) - back,
  };
}
