// Prometheus metrics of one region-core instance (its own registry, so two regions can share a
// process in tests). Served as text at GET /metrics. Every series carries the `region` label (a
// default label), so one Prometheus or the local dashboard can compare regions side by side. The
// call sites record through the small wrappers in ./instrument.ts, not by hand.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Seconds; from sub-millisecond in-memory calls up to a stalled broker or coordinator. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
/** Seconds; the edge's region outbox batches for up to a second, so end to end starts higher. */
const END_TO_END_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

export interface Metrics {
  registry: Registry;
  ingestedEvents: Counter;
  publishedBatches: Counter;
  persistedRecords: Counter<"type">;
  deadLetters: Counter;
  consumerLag: Gauge<"partition">;
  /** Every HTTP request, by route family (ingest, history, …), method and status. */
  httpDuration: Histogram<"route" | "method" | "status">;
  /** One publish call (a whole batch) to the event log, until acks=all. */
  publishDuration: Histogram<"topic" | "outcome">;
  /** One persister batch (one partition's slice) from handler start to its offset commit. */
  persisterBatchDuration: Histogram<"outcome">;
  persisterBatchRecords: Histogram;
  /** One repository call: Cassandra in production, the in-memory stand-in when embedded. */
  storageDuration: Histogram<"op" | "kind" | "outcome">;
  /** The ConversationDO's ack (message serverTs) until its row is in this region's storage. */
  endToEnd: Histogram;
  /** Errors by protocol code: HTTP answers with an error body and dead-lettered records. */
  errors: Counter<"code" | "source">;
  /** Requests and statements sent to Cassandra: the persister's cost per message in numbers. */
  cassandraRequests: Counter;
  cassandraStatements: Counter;
  pushEvents: Counter<"outcome">;
  pushDeliveries: Counter<"platform" | "result">;
}

export function createMetrics(regionId: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ region: regionId });
  const registers = [registry];
  return {
    registry,
    ingestedEvents: new Counter({
      name: "region_ingested_events_total",
      help: "Events accepted by POST /v1/ingest and published to the event log.",
      registers,
    }),
    publishedBatches: new Counter({
      name: "region_published_batches_total",
      help: "Ingest batches whose publish to the event log resolved.",
      registers,
    }),
    persistedRecords: new Counter({
      name: "region_persisted_records_total",
      help: "Event-log records applied to storage by the persister.",
      labelNames: ["type"],
      registers,
    }),
    deadLetters: new Counter({
      name: "region_dead_letters_total",
      help: "Records sent to the dead-letter topic.",
      registers,
    }),
    consumerLag: new Gauge({
      name: "region_consumer_lag",
      help: "Records behind the end of each partition after the persister's last batch.",
      labelNames: ["partition"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "region_http_request_duration_seconds",
      help: "HTTP request latency by route family (ingest, history, users, media, …).",
      labelNames: ["route", "method", "status"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    publishDuration: new Histogram({
      name: "region_kafka_publish_duration_seconds",
      help: "Event-log publish latency per batch, until the log acknowledged it (acks=all).",
      labelNames: ["topic", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    persisterBatchDuration: new Histogram({
      name: "region_persister_batch_duration_seconds",
      help: "Persister latency per consumed batch (one partition), writes and offset commit.",
      labelNames: ["outcome"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    persisterBatchRecords: new Histogram({
      name: "region_persister_batch_records",
      help: "Records per consumed batch.",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    }),
    storageDuration: new Histogram({
      name: "region_storage_duration_seconds",
      help: "Storage (Cassandra) latency per repository call; kind is read or write.",
      labelNames: ["op", "kind", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    endToEnd: new Histogram({
      name: "region_end_to_end_seconds",
      help: "From the edge's ack of a message (its serverTs) to its row in this region's storage.",
      buckets: END_TO_END_BUCKETS,
      registers,
    }),
    errors: new Counter({
      name: "region_errors_total",
      help: "Errors by protocol code: HTTP error answers (source=http), dead letters (source=persister).",
      labelNames: ["code", "source"],
      registers,
    }),
    cassandraRequests: new Counter({
      name: "region_cassandra_requests_total",
      help: "Requests sent to Cassandra (a batch is one request).",
      registers,
    }),
    cassandraStatements: new Counter({
      name: "region_cassandra_statements_total",
      help: "Statements sent to Cassandra (each statement of a batch counts).",
      registers,
    }),
    pushEvents: new Counter({
      name: "region_push_events_total",
      help: "Push events the notifier handled: sent, or suppressed by do_not_disturb or muted.",
      labelNames: ["outcome"],
      registers,
    }),
    pushDeliveries: new Counter({
      name: "region_push_deliveries_total",
      help: "Per device: delivered, gone (removed from the registry) or dead-lettered.",
      labelNames: ["platform", "result"],
      registers,
    }),
  };
}
