// The dashboard's panels, defined once: the local /dashboard draws them (served at /api/panels)
// and grafana.ts turns them into the production Grafana dashboard, so both show the same thing.

export interface Panel {
  title: string;
  help: string;
  /** quantiles: p50/p95/p99 of a histogram; rates: a counter per second; gauges: a value. */
  kind: "quantiles" | "rates" | "gauges";
  /** Prometheus name (histograms without _bucket). Edge metrics come from Analytics Engine in production. */
  metric: string;
  where?: Record<string, string>;
  /** Labels the series are split by (default: region). */
  by?: string[];
  unit?: string;
  /** Production source: the regions' Prometheus, or the edge's Analytics Engine stage. */
  edgeStage?: "region_call" | "region_outbox_age" | "inbox_staleness" | "fanout" | "send_ack";
}

export const PANELS: Panel[] = [
  {
    title: "Ingest request",
    help: "POST /v1/ingest, from request to answer (after acks=all)",
    kind: "quantiles",
    metric: "region_http_request_duration_seconds",
    where: { route: "ingest" },
  },
  {
    title: "History request",
    help: "GET /v1/history",
    kind: "quantiles",
    metric: "region_http_request_duration_seconds",
    where: { route: "history" },
  },
  {
    title: "Kafka publish",
    help: "one batch until the log acknowledged it",
    kind: "quantiles",
    metric: "region_kafka_publish_duration_seconds",
  },
  {
    title: "Persister batch",
    help: "one partition's batch: writes and offset commit",
    kind: "quantiles",
    metric: "region_persister_batch_duration_seconds",
  },
  {
    title: "Cassandra write",
    help: "per repository write",
    kind: "quantiles",
    metric: "region_storage_duration_seconds",
    where: { kind: "write" },
  },
  {
    title: "Cassandra read",
    help: "per repository read",
    kind: "quantiles",
    metric: "region_storage_duration_seconds",
    where: { kind: "read" },
  },
  {
    title: "End to end",
    help: "edge ack (serverTs) until the row is stored in the region",
    kind: "quantiles",
    metric: "region_end_to_end_seconds",
  },
  {
    title: "Edge → region call",
    help: "ingest POST from the edge's region outbox, by target region",
    kind: "quantiles",
    metric: "edge_region_call_seconds",
    by: ["target"],
    edgeStage: "region_call",
  },
  {
    title: "Region outbox age at flush",
    help: "oldest event of a batch when a region confirmed it",
    kind: "quantiles",
    metric: "edge_region_outbox_age_seconds",
    edgeStage: "region_outbox_age",
  },
  {
    title: "Inbox staleness",
    help: "pending inbox update age when its InboxDO took it",
    kind: "quantiles",
    metric: "edge_inbox_staleness_seconds",
    edgeStage: "inbox_staleness",
  },
  {
    title: "Edge send → ack",
    help: "a send frame's arrival until its commit is confirmed and the ack leaves (sampled)",
    kind: "quantiles",
    metric: "edge_send_ack_seconds",
    edgeStage: "send_ack",
  },
  {
    title: "Fan-out",
    help: "a message's ack to the last socket write of its frame",
    kind: "quantiles",
    metric: "edge_fanout_seconds",
    edgeStage: "fanout",
  },
  {
    title: "Throughput",
    help: "events ingested per second",
    kind: "rates",
    metric: "region_ingested_events_total",
    unit: "/s",
  },
  {
    title: "Consumer lag",
    help: "records behind, per partition",
    kind: "gauges",
    metric: "region_consumer_lag",
    by: ["region", "partition"],
    unit: "",
  },
  {
    title: "Errors",
    help: "error answers and dead letters per second, by code",
    kind: "rates",
    metric: "region_errors_total",
    by: ["region", "code"],
    unit: "/s",
  },
];
