// The Kafka broker stopped for CHAOS_FAULT_MS and started again (both regions' ingest and
// persisters lose it). Acks go on meanwhile (durable at the edge). recovery_ms: broker healthy
// again → everything acknowledged so far is in Cassandra in every DC.
import { startService, stopService } from "../services.ts";
import { backlogDrainMs, type Scenario, sleep } from "../scenario.ts";

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
    return { recoveryMs: drainMs, detail: { broker_start_ms: back - starting } };
  },
};
