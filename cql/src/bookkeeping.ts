// The runner's own tables, created before any migration can run (the lease that serialises
// migrations has to live somewhere). Two runners in two regions may create them at the same moment.
// Before Cassandra's transactional metadata, two concurrent CREATE TABLEs of one table get two
// different table ids and the cluster ends up with a schema mismatch; giving both the same
// deterministic id (`WITH ID`, derived from keyspace and table name) makes the two creations
// identical, so they merge. Everything after this point happens under the lease.
import { createHash } from "node:crypto";
import { SCHEMA_MIGRATION_LEASE as L, SCHEMA_MIGRATIONS as M, TABLES } from "./tables.ts";

/** The one partition of schema_migrations: a single partition so a SERIAL read sees every record. */
export const MIGRATIONS_SCOPE = "schema";

/** The lease's row key. */
export const LEASE_NAME = "migrate";

/** A stable UUID for (keyspace, table): the same on every runner, different per keyspace. */
export function deterministicTableId(keyspace: string, table: string): string {
  const hex = createHash("sha256").update(`edge-chat:${keyspace}.${table}`).digest("hex");
  // Shape it as an RFC 9562 version 8 ("custom") UUID with the RFC variant bits.
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}

/** CREATE TABLE statements for the runner's tables in `keyspace`. */
export function bookkeepingStatements(keyspace: string): string[] {
  return [
    // One row per applied migration. applied_by says which runner (region, host) applied it.
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLES.schemaMigrations} (
      ${M.scope} text, ${M.version} int, ${M.name} text, ${M.checksum} text,
      ${M.appliedAt} timestamp, ${M.appliedBy} text,
      PRIMARY KEY ((${M.scope}), ${M.version})
    ) WITH ID = ${deterministicTableId(keyspace, TABLES.schemaMigrations)}`,
    // The lease row, inserted IF NOT EXISTS with a TTL: a crashed runner's lease expires.
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLES.schemaMigrationLease} (
      ${L.name} text PRIMARY KEY, ${L.owner} text, ${L.acquiredAt} timestamp
    ) WITH ID = ${deterministicTableId(keyspace, TABLES.schemaMigrationLease)}`,
  ].map((statement) => statement.replace(/\s+/g, " ").trim());
}
