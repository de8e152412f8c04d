// The whole write path of one run, for real: a fresh service key pair; region A ("eu-west", Cassandra
// dc1) as two region-core processes — the ingest API and the persister, so either can be stopped
// alone — and region B ("us-east", dc2, ingest + persister in one process), all with the real
// adapters (Kafka acks=all, Cassandra LOCAL_QUORUM) on this run's own keyspace and topics; and the
// edge Worker in workerd whose catalog names A first and B as the farther, failover region.
import type { ServiceEndpoints } from "@edge-chat/services";
import { type RunningEdge, startEdge, UNLIMITED_RATES } from "./edge.ts";
import { type ServiceKeys, serviceKeys } from "./keys.ts";
import { RegionProcess } from "./region.ts";
import { RegionApi } from "./region-api.ts";
import { createRunStorage, type RunStorage } from "./schema.ts";

export interface SystemOptions {
  label: string;
  services: Pick<ServiceEndpoints, "cassandra" | "kafka">;
  /** Vars of the edge to override (WINDOW_SIZE, …). */
  edgeVars?: Record<string, string>;
  /** Extra region-core environment for every region process. */
  regionEnv?: Record<string, string>;
}

export interface System {
  keys: ServiceKeys;
  storage: RunStorage;
  /** Region A's ingest API (no persister). */
  aIngest: RegionProcess;
  /** Region A's persister (its HTTP API is not in the catalog). */
  aPersister: RegionProcess;
  /** Region B: ingest API, persister and history, reading Cassandra's dc2. */
  b: RegionProcess;
  /** Region B's history and conversation-list APIs. */
  bApi: RegionApi;
  edge: RunningEdge;
  stop(): Promise<void>;
}

export async function startSystem(options: SystemOptions): Promise<System> {
  const keys = serviceKeys();
  const storage = await createRunStorage(options.services, options.label);
  const [dcA, dcB] = options.services.cassandra.dataCenters.map((dc) => dc.name);
  const common = {
    ADAPTERS: "real",
    SERVICE_JWKS: JSON.stringify(keys.jwks),
    KAFKA_BROKERS: options.services.kafka.brokers.join(","),
    KAFKA_PARTITIONS: "4",
    // The run's migration already applied the schema (createRunStorage).
    CASSANDRA_MIGRATE: "false",
    SHUTDOWN_TIMEOUT_MS: "30000",
    ...options.regionEnv,
  };
  const kafkaEnv = (region: string) => {
    const t = storage.topics(region);
    return { KAFKA_TOPIC: t.topic, KAFKA_DLQ_TOPIC: t.dlqTopic, KAFKA_GROUP_ID: t.groupId };
  };
  const aIngest = await RegionProcess.create({
    regionId: "eu-west",
    env: {
      ...common,
      ...kafkaEnv("eu-west"),
      ...storage.cassandraEnv(dcA ?? "dc1"),
      PERSISTER_ENABLED: "false",
    },
  });
  const aPersister = await RegionProcess.create({
    regionId: "eu-west",
    env: { ...common, ...kafkaEnv("eu-west"), ...storage.cassandraEnv(dcA ?? "dc1") },
  });
  const b = await RegionProcess.create({
    regionId: "us-east",
    env: { ...common, ...kafkaEnv("us-east"), ...storage.cassandraEnv(dcB ?? "dc2") },
  });
  // One at a time: each creates its topics, and two cores are slow to start three Node processes.
  await aIngest.start();
  await aPersister.start();
  await b.start();
  const edge = await startEdge({
    regions: [aIngest.url, b.url],
    signingKey: keys.signingKey,
    vars: { ...UNLIMITED_RATES, ...options.edgeVars },
  });
  return {
    keys,
    storage,
    aIngest,
    aPersister,
    b,
    bApi: new RegionApi(b.url, keys),
    edge,
    async stop() {
      await edge.dispose();
      await Promise.all([aIngest.stop(), aPersister.stop(), b.stop()]);
      await storage.drop();
    },
  };
}
