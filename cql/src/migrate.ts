// The migration runner: applies cql/migrations in order, each exactly once cluster-wide, and
// records them in schema_migrations. Safe to start in several regions at once:
//
//   1. bootstrap (idempotent, before the lease): the keyspace (migration 0001, CREATE KEYSPACE IF
//      NOT EXISTS) and the runner's own tables with deterministic table ids; wait for agreement;
//   2. take the lease (LWT, SERIAL, TTL) - other runners wait here;
//   3. read what is applied at SERIAL (linearizable: sees every record committed by a previous
//      lease holder, whichever datacenter it wrote through), refuse if an applied file changed;
//   4. for each pending migration: renew the lease, run its statements, wait for schema agreement,
//      record it with INSERT ... IF NOT EXISTS (SERIAL);
//   5. release the lease.
//
// Migrations must be idempotent (IF NOT EXISTS): a runner that dies between running a migration
// and recording it leaves it to be run again by the next lease holder.
import { randomUUID } from "node:crypto";
import cassandra from "cassandra-driver";
import { bookkeepingStatements, MIGRATIONS_SCOPE } from "./bookkeeping.ts";
import { type CassandraClient, checkSchemaAgreement, createCassandraClient } from "./client.ts";
import { type CqlConfig, replicationCql } from "./config.ts";
import { CqlError, MigrationChecksumError } from "./errors.ts";
import { LWT_OPTIONS, MigrationLease } from "./lease.ts";
import {
  loadMigrations,
  type Migration,
  renderTemplate,
  splitStatements,
  type TemplateValues,
} from "./migrations.ts";
import { SCHEMA_MIGRATIONS as M, TABLES } from "./tables.ts";

export interface MigrateOptions {
  readonly config: CqlConfig;
  /** A connected client to use (left open); by default one is created from config and closed. */
  readonly client?: CassandraClient;
  /** The migrations to apply; by default the files in cql/migrations. */
  readonly migrations?: readonly Migration[];
  readonly log?: (line: string) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: Date;
  readonly appliedBy: string;
}

export interface MigrateResult {
  /** Migrations this run applied, in order. */
  readonly applied: readonly AppliedMigration[];
  /** Versions that were already applied (checksums verified). */
  readonly alreadyApplied: readonly number[];
  /** Versions recorded in the database but absent here (a newer runner applied them). */
  readonly unknownApplied: readonly number[];
  /** Wall time of the whole run, including waiting for the lease. */
  readonly durationMs: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const { consistencies } = cassandra.types;

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const log = options.log ?? (() => {});
  const started = now();
  const migrations = options.migrations ?? (await loadMigrations());
  const ownsClient = options.client === undefined;
  const client = options.client ?? createCassandraClient(config);
  const values: TemplateValues = {
    keyspace: config.keyspace,
    replication: replicationCql(config.replication),
  };
  const table = `${config.keyspace}.${TABLES.schemaMigrations}`;
  const agreementTimeoutMs = config.migrate.schemaAgreementSeconds * 1000;
  const awaitAgreement = () => waitForSchemaAgreement(client, agreementTimeoutMs, now, sleep);

  try {
    if (ownsClient) await client.connect();
    await bootstrap(client, migrations, values, awaitAgreement);

    const lease = await MigrationLease.acquire(client, {
      keyspace: config.keyspace,
      owner: `${config.migrate.appliedBy}#${randomUUID()}`,
      ttlSeconds: config.migrate.leaseTtlSeconds,
      waitSeconds: config.migrate.leaseWaitSeconds,
      now,
      sleep,
      log,
    });
    try {
      const recorded = await readApplied(client, table);
      const known = new Set(migrations.map((m) => m.version));
      for (const migration of migrations) {
        const record = recorded.get(migration.version);
        if (record !== undefined && record.checksum !== migration.checksum) {
          throw new MigrationChecksumError(
            migration.version,
            migration.name,
            record.checksum,
            migration.checksum,
          );
        }
      }
      const applied: AppliedMigration[] = [];
      for (const migration of migrations) {
        if (recorded.has(migration.version)) continue;
        await lease.renew();
        const startedAt = now();
        for (const statement of splitStatements(renderTemplate(migration.template, values))) {
          await client.execute(statement, [], { consistency: consistencies.quorum });
        }
        await awaitAgreement();
        const record: AppliedMigration = {
          version: migration.version,
          name: migration.name,
          checksum: migration.checksum,
          appliedAt: new Date(now()),
          appliedBy: config.migrate.appliedBy,
        };
        await recordApplied(client, table, record);
        applied.push(record);
        log(`applied ${migration.fileName} in ${now() - startedAt} ms`);
      }
      return {
        applied,
        alreadyApplied: migrations.filter((m) => recorded.has(m.version)).map((m) => m.version),
        unknownApplied: [...recorded.keys()].filter((version) => !known.has(version)),
        durationMs: now() - started,
      };
    } finally {
      await lease.release().catch((error: unknown) => {
        // The TTL frees it anyway; do not let this hide the run's own outcome.
        log(`could not release the lease: ${String(error)}`);
      });
    }
  } finally {
    if (ownsClient) await client.shutdown();
  }
}

/** The keyspace and the runner's tables: idempotent, safe to run concurrently (see bookkeeping.ts). */
async function bootstrap(
  client: CassandraClient,
  migrations: readonly Migration[],
  values: TemplateValues,
  awaitAgreement: () => Promise<void>,
): Promise<void> {
  const first = migrations[0];
  const keyspaceStatements =
    first === undefined ? [] : splitStatements(renderTemplate(first.template, values));
  if (
    keyspaceStatements.length === 0 ||
    !keyspaceStatements.every((s) => /^CREATE KEYSPACE IF NOT EXISTS /i.test(s))
  ) {
    throw new CqlError(
      "invalid_migration",
      "migration 0001 must create the keyspace (CREATE KEYSPACE IF NOT EXISTS) and nothing else",
    );
  }
  for (const statement of [...keyspaceStatements, ...bookkeepingStatements(values.keyspace)]) {
    await client.execute(statement);
    // Each step needs the previous one everywhere: the tables need the keyspace, the lease the tables.
    await awaitAgreement();
  }
}

interface Recorded {
  readonly name: string;
  readonly checksum: string;
}

/** Every applied migration, read at SERIAL from the single schema_migrations partition. */
async function readApplied(client: CassandraClient, table: string): Promise<Map<number, Recorded>> {
  const result = await client.execute(
    `SELECT ${M.version}, ${M.name}, ${M.checksum} FROM ${table} WHERE ${M.scope} = ?`,
    [MIGRATIONS_SCOPE],
    { prepare: true, consistency: consistencies.serial },
  );
  const recorded = new Map<number, Recorded>();
  for (const row of result.rows) {
    recorded.set(Number(row.get(M.version)), {
      name: String(row.get(M.name)),
      checksum: String(row.get(M.checksum)),
    });
  }
  return recorded;
}

async function recordApplied(
  client: CassandraClient,
  table: string,
  record: AppliedMigration,
): Promise<void> {
  const result = await client.execute(
    `INSERT INTO ${table} (${M.scope}, ${M.version}, ${M.name}, ${M.checksum}, ${M.appliedAt},
      ${M.appliedBy}) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
    [
      MIGRATIONS_SCOPE,
      record.version,
      record.name,
      record.checksum,
      record.appliedAt,
      record.appliedBy,
    ],
    LWT_OPTIONS,
  );
  if (result.wasApplied()) return;
  // Under the lease nobody else records; an existing row means an earlier attempt of ours whose
  // answer was lost. Same checksum: fine. Different: somebody broke the protocol, so stop.
  const existing = String(result.first()?.get(M.checksum) ?? "");
  if (existing !== record.checksum) {
    throw new MigrationChecksumError(record.version, record.name, existing, record.checksum);
  }
}

/** Polls until all live nodes agree on the schema version. */
export async function waitForSchemaAgreement(
  client: CassandraClient,
  timeoutMs: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!(await checkSchemaAgreement(client))) {
    if (now() >= deadline) {
      throw new CqlError(
        "schema_agreement_timeout",
        `nodes did not agree on the schema within ${timeoutMs} ms`,
        { retriable: true },
      );
    }
    await sleep(200);
  }
}
