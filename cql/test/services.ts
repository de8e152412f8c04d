// Connection settings for the integration tests, from the services harness (`inject("services")`):
// the real two-datacenter Cassandra. Each test makes its own keyspace so runs never collide.
import { randomUUID } from "node:crypto";
import cassandra from "cassandra-driver";
import { inject } from "vitest";
import { type CqlConfig, parseCqlConfig } from "../src/config.ts";
// Brings in the harness's typing of inject("services").
import type {} from "../../tools/services/vitest.global-setup.ts";

export const cassandraEndpoint = inject("services").cassandra;
export const dataCenters = cassandraEndpoint.dataCenters.map((dc) => dc.name);

/** A fresh keyspace name for one test. */
export function uniqueKeyspace(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** Runner config for a keyspace, talking to `localDataCenter`, RF 1 in each datacenter. */
export function configFor(
  keyspace: string,
  localDataCenter: string,
  overrides: Record<string, string> = {},
): CqlConfig {
  return parseCqlConfig({
    CASSANDRA_CONTACT_POINTS: cassandraEndpoint.contactPoints
      .map((host) => `${host}:${cassandraEndpoint.port}`)
      .join(","),
    CASSANDRA_LOCAL_DC: localDataCenter,
    CASSANDRA_KEYSPACE: keyspace,
    CASSANDRA_REPLICATION: dataCenters.map((dc) => `${dc}:1`).join(","),
    MIGRATE_APPLIED_BY: `test@${localDataCenter}`,
    MIGRATE_LEASE_WAIT_SECONDS: "600",
    ...overrides,
  });
}

/** A plain client whose coordinator is in `dataCenter`. */
export function clientIn(dataCenter: string, keyspace?: string): cassandra.Client {
  return new cassandra.Client({
    contactPoints: cassandraEndpoint.contactPoints,
    protocolOptions: { port: cassandraEndpoint.port },
    localDataCenter: dataCenter,
    ...(keyspace !== undefined ? { keyspace } : {}),
    socketOptions: { readTimeout: 60_000 },
  });
}

/** Drops test keyspaces, ignoring ones that never got created. */
export async function dropKeyspaces(keyspaces: readonly string[]): Promise<void> {
  const [dc] = dataCenters;
  if (dc === undefined || keyspaces.length === 0) return;
  const client = clientIn(dc);
  try {
    await client.connect();
    // Different keyspaces: concurrent drops are independent schema changes.
    await Promise.all(
      keyspaces.map((keyspace) =>
        client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {}),
      ),
    );
  } finally {
    await client.shutdown();
  }
}
