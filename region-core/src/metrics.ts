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
  pushEvents: Counter<"outcome">;
  pushDeliveries: Counter<"platform" | "result">;
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
    pushEvents: new Counter({
      name: "region_push_events_total",
      help: "Push events the notifier handled: sent, or suppressed by do_not_disturb or muted.",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    pushDeliveries: new Counter({
      name: "region_push_deliveries_total",
      help: "Per device: delivered, gone (removed from the registry) or dead-lettered.",
      labelNames: ["platform", "result"],
      registers: [registry],
    }),
  };
}
