// Prometheus metrics of one region-core instance (its own registry, so two regions can share a
// process in tests). Served as text at GET /metrics.
import { Counter, Gauge, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  ingestedEvents: Counter;
  publishedBatches: Counter;
  persistedRecords: Counter<"type">;
  deadLetters: Counter;
  consumerLag: Gauge<"partition">;
  cassandraRequests: Counter;
  cassandraStatements: Counter;
}

export function createMetrics(regionId: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ region: regionId });
  return {
    registry,
    ingestedEvents: new Counter({
      name: "region_ingested_events_total",
      help: "Events accepted by POST /v1/ingest and published to the event log.",
      registers: [registry],
    }),
    publishedBatches: new Counter({
      name: "region_published_batches_total",
      help: "Ingest batches whose publish to the event log resolved.",
      registers: [registry],
    }),
    persistedRecords: new Counter({
      name: "region_persisted_records_total",
      help: "Event-log records applied to storage by the persister.",
      labelNames: ["type"],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "region_dead_letters_total",
      help: "Records sent to the dead-letter topic.",
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: "region_consumer_lag",
      help: "Records behind the end of each partition after the persister's last batch.",
      labelNames: ["partition"],
      registers: [registry],
    }),
    cassandraRequests: new Counter({
      name: "region_cassandra_requests_total",
      help: "Requests sent to Cassandra (a batch is one request).",
      registers: [registry],
    }),
    cassandraStatements: new Counter({
      name: "region_cassandra_statements_total",
      help: "Statements sent to Cassandra (each statement of a batch counts).",
      registers: [registry],
    }),
  };
}
