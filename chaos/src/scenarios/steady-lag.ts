// No fault: a steady stream at CHAOS_RATE messages/s, to measure edge ack → persisted in Cassandra
// (p50/p99/max in detail) with the region outbox flushing as soon as a region is free. recovery_ms
// is 0.
import { ackToPersisted } from "../lag.ts";
import type { Scenario } from "../scenario.ts";

export const steadyLag: Scenario = {
  name: "steady-lag",
  summary: "no fault, CHAOS_RATE msg/s; detail = edge ack → persisted p50/p99/max",
  paced: true,
  async inject() {
    return { recoveryMs: 0 };
  },
  async after({ system, stream }) {
    return { ...(await ackToPersisted(system, stream.sent)) };
  },
};
