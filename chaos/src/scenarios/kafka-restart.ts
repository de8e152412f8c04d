// The Kafka broker stopped for CHAOS_FAULT_MS and started again (both regions' ingest and
// persisters lose it). Acks go on meanwhile (durable at the edge). recovery_ms: broker healthy
// again → everything acknowledged so far is in Cassandra in every DC.
import { startService, stopService } from "../services.ts";
import { msUntil, type Scenario, sleep } from "../scenario.ts";
import { allStored } from "../verify.ts";

export const kafkaRestart: Scenario = {
  name: "kafka-restart",
  summary: "stop the broker, start it again; recovery_ms = broker back → backlog in every DC",
  async inject({ system, options, conversations, stream, log }) {
    const stopping = Date.now();
    await stopService("kafka");
    log(`kafka-restart: broker stopped in ${Date.now() - stopping} ms`);
    await sleep(options.faultMs);
    const starting = Date.now();
    await startService("kafka");
    const back = Date.now();
    const ackedByThen = stream.sent.filter((s) => s.ack);
    log(`kafka-restart: broker back in ${back - starting} ms; ${ackedByThen.length} acked`);
    const drainMs = await msUntil(
      back,
      () => allStored(system, conversations, ackedByThen),
      "the backlog to reach every DC",
      options.deadlineMs,
      250,
    );
    return { recoveryMs: drainMs, detail: { broker_start_ms: back - starting } };
  },
};
