// Every scenario, in the order `all` runs them (the cheap ones first; the Cassandra node restart,
// the slowest fault, last).
import type { Scenario } from "../scenario.ts";
import { cassandraNodeDown } from "./cassandra-node-down.ts";
import { cassandraNodeHung } from "./cassandra-node-hung.ts";
import { doEvict } from "./do-evict.ts";
import { edgeKill } from "./edge-kill.ts";
import { ingestOutage } from "./ingest-outage.ts";
import { kafkaRestart } from "./kafka-restart.ts";
import { reconnectStorm } from "./reconnect-storm.ts";
import { regionDown } from "./region-down.ts";
import { regionKill } from "./region-kill.ts";
import { slowConsumer } from "./slow-consumer.ts";
import { steadyLag } from "./steady-lag.ts";

export const SCENARIOS: readonly Scenario[] = [
  steadyLag,
  regionKill,
  regionDown,
  reconnectStorm,
  slowConsumer,
  edgeKill,
  doEvict,
  kafkaRestart,
  ingestOutage,
  cassandraNodeHung,
  cassandraNodeDown,
];
