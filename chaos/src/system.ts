// One chaos run's system, for real: two regions of region-core as processes (A "eu-west" on dc1,
// B "us-east" on dc2; each ingest + persister in one process, so a SIGKILL takes both), on this
// run's own keyspace and topics, and the edge in workerd with persistent Durable Object storage.
// Scenarios share it; each uses fresh conversations.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createRunStorage,
  freePort,
  RegionProcess,
  type RunStorage,
  type ServiceKeys,
  serviceKeys,
  UNLIMITED_RATES,
} from "@edge-chat/e2e";
import { CrashableEdge } from "./edge.ts";
import type { ChaosServices } from "./services.ts";

export interface ChaosSystem {
  services: ChaosServices;
  keys: ServiceKeys;
  storage: RunStorage;
  /** Datacenter names, in region order (A's first). */
  dcs: string[];
  regions: [RegionProcess, RegionProcess];
  edge: CrashableEdge;
  stop(): Promise<void>;
}

export async function startChaosSystem(services: ChaosServices): Promise<ChaosSystem> {
  const keys = serviceKeys();
  const storage = await createRunStorage(services, "chaos");
  const dcs = services.cassandra.dataCenters.map((dc) => dc.name);
  const region = (regionId: string, dc: string) => {
    const t = storage.topics(regionId);
    return RegionProcess.create({
      regionId,
      env: {
        ADAPTERS: "real",
        SERVICE_JWKS: JSON.stringify(keys.jwks),
        KAFKA_BROKERS: services.kafka.brokers.join(","),
        KAFKA_PARTITIONS: "4",
        KAFKA_TOPIC: t.topic,
        KAFKA_DLQ_TOPIC: t.dlqTopic,
        KAFKA_GROUP_ID: t.groupId,
        CASSANDRA_MIGRATE: "false",
        SHUTDOWN_TIMEOUT_MS: "30000",
        ...storage.cassandraEnv(dc),
      },
    });
  };
  const regions: [RegionProcess, RegionProcess] = [
    await region("eu-west", dcs[0] ?? "dc1"),
    await region("us-east", dcs[1] ?? dcs[0] ?? "dc2"),
  ];
  for (const r of regions) await r.start();
  const persistTo = mkdtempSync(join(tmpdir(), "edge-chat-chaos-edge-"));
  const edge = new CrashableEdge({
    regions: regions.map((r) => r.url),
    signingKey: keys.signingKey,
    // CHAOS_OUTBOX_MAX_AGE_MS: compare the region outbox's linger (the edge default is 0).
    vars: {
      ...UNLIMITED_RATES,
      // The test-only eviction route of the do-evict scenario (never set outside this suite).
      CHAOS_EVICT_ROUTE: "1",
      ...(process.env.CHAOS_OUTBOX_MAX_AGE_MS
        ? { REGION_OUTBOX_MAX_AGE_MS: process.env.CHAOS_OUTBOX_MAX_AGE_MS }
        : {}),
    },
    port: await freePort(),
    persistTo,
  });
  await edge.start();
  return {
    services,
    keys,
    storage,
    dcs,
    regions,
    edge,
    async stop() {
      await edge.stop().catch(() => {});
      await Promise.all(regions.map((r) => r.stop()));
      // Cleanup must not hide the results: a node just restarted may time out a DROP KEYSPACE.
      await storage.drop().catch((error: unknown) => {
        console.error(`chaos: could not drop ${storage.keyspace}: ${String(error)}`);
      });
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
