// The migration runner against the real two-datacenter Cassandra: applies once, is a no-op the
// second time, serialises concurrent runners in different datacenters, refuses changed files,
// and survives a lease left behind by a crashed runner.
import cassandra from "cassandra-driver";
import { afterAll, describe, expect, it } from "vitest";
import { LEASE_NAME, MIGRATIONS_SCOPE } from "../src/bookkeeping.ts";
import { CqlError, MigrationChecksumError } from "../src/errors.ts";
import { type MigrateResult, migrate } from "../src/migrate.ts";
import { loadMigrations, type Migration, parseMigration } from "../src/migrations.ts";
import { TABLES } from "../src/tables.ts";
import { clientIn, configFor, dataCenters, dropKeyspaces, uniqueKeyspace } from "./services.ts";

const [dc1 = "dc1", dc2 = "dc2"] = dataCenters;
const created: string[] = [];
const all = await loadMigrations();
const versions = all.map((m) => m.version);
const figures: string[] = [];

afterAll(async () => {
  if (figures.length > 0) console.log(`[cql figures]\n  ${figures.join("\n  ")}`);
  await dropKeyspaces(created);
});

function keyspace(prefix: string): string {
  const name = uniqueKeyspace(prefix);
  created.push(name);
  return name;
}

async function recordedMigrations(ks: string, dc: string) {
  const client = clientIn(dc);
  try {
    await client.connect();
    const rs = await client.execute(
      `SELECT version, name, checksum, applied_by, applied_at FROM ${ks}.${TABLES.schemaMigrations} WHERE scope = ?`,
      [MIGRATIONS_SCOPE],
      { prepare: true, consistency: cassandra.types.consistencies.serial },
    );
    return rs.rows.map((row) => ({
      version: Number(row.get("version")),
      name: String(row.get("name")),
      checksum: String(row.get("checksum")),
      appliedBy: String(row.get("applied_by")),
      appliedAt: row.get("applied_at") as Date,
    }));
  } finally {
    await client.shutdown();
  }
}

async function tableIds(ks: string, dc: string): Promise<Map<string, string>> {
  const client = clientIn(dc);
  try {
    await client.connect();
    const rs = await client.execute(
      "SELECT table_name, id FROM system_schema.tables WHERE keyspace_name = ?",
      [ks],
      { prepare: true },
    );
    return new Map(rs.rows.map((row) => [String(row.get("table_name")), String(row.get("id"))]));
  } finally {
    await client.shutdown();
  }
}

const appliedVersions = (result: MigrateResult) => result.applied.map((m) => m.version);

describe("migration runner", () => {
  it("applies every migration in order, records it, and a second run is a no-op", async () => {
    const ks = keyspace("mig_once");
    const config = configFor(ks, dc1);

    const first = await migrate({ config });
    expect(appliedVersions(first)).toEqual(versions);
    expect(first.alreadyApplied).toEqual([]);
    figures.push(`fresh keyspace, ${versions.length} migrations: ${first.durationMs} ms`);

    const records = await recordedMigrations(ks, dc2);
    expect(records.map((r) => r.version)).toEqual(versions);
    expect(records.map((r) => r.checksum)).toEqual(all.map((m) => m.checksum));
    expect(records.map((r) => r.name)).toEqual(all.map((m) => m.name));
    expect(new Set(records.map((r) => r.appliedBy))).toEqual(new Set([`test@${dc1}`]));
    // In order: applied_at never goes backwards.
    const times = records.map((r) => r.appliedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const ids = await tableIds(ks, dc2);
    for (const table of Object.values(TABLES)) expect(ids.has(table), table).toBe(true);

    const second = await migrate({ config: configFor(ks, dc2) });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(versions);
    figures.push(`re-run with nothing to do: ${second.durationMs} ms`);
    expect((await recordedMigrations(ks, dc1)).map((r) => r.appliedBy)).toEqual(
      records.map((r) => r.appliedBy),
    );
  });

  it("applies only what is pending when new migrations arrive", async () => {
    const ks = keyspace("mig_incr");
    const early = await migrate({ config: configFor(ks, dc1), migrations: all.slice(0, 3) });
    expect(appliedVersions(early)).toEqual([1, 2, 3]);
    const later = await migrate({ config: configFor(ks, dc2), migrations: all });
    expect(appliedVersions(later)).toEqual(versions.slice(3));
    expect(later.alreadyApplied).toEqual([1, 2, 3]);
    // An older runner that does not know the newest migrations still runs, and says so.
    const older = await migrate({ config: configFor(ks, dc1), migrations: all.slice(0, 3) });
    expect(older.applied).toEqual([]);
    expect(older.unknownApplied).toEqual(versions.slice(3));
  });

  it("two runners started together in dc1 and dc2 both finish; each migration is applied once", async () => {
    const ks = keyspace("mig_race");
    const started = Date.now();
    const [a, b] = await Promise.all([
      migrate({ config: configFor(ks, dc1) }),
      migrate({ config: configFor(ks, dc2) }),
    ]);
    figures.push(`two concurrent runners (dc1 + dc2): ${Date.now() - started} ms wall`);

    const fromA = appliedVersions(a);
    const fromB = appliedVersions(b);
    expect([...fromA, ...fromB].sort((x, y) => x - y)).toEqual(versions);
    expect(fromA.filter((v) => fromB.includes(v))).toEqual([]);
    // Whoever did not apply a migration saw it as already applied.
    expect([...a.alreadyApplied].sort((x, y) => x - y)).toEqual(fromB);
    expect([...b.alreadyApplied].sort((x, y) => x - y)).toEqual(fromA);

    const records = await recordedMigrations(ks, dc1);
    expect(records.map((r) => r.version)).toEqual(versions);
    for (const record of records) {
      expect(record.appliedBy).toBe(fromA.includes(record.version) ? `test@${dc1}` : `test@${dc2}`);
    }
    // Both datacenters see every table under the same id: no concurrent-DDL schema split.
    const [ids1, ids2] = await Promise.all([tableIds(ks, dc1), tableIds(ks, dc2)]);
    expect(ids1.size).toBe(Object.keys(TABLES).length);
    expect(ids2).toEqual(ids1);
  });

  it("refuses to continue when an applied migration's file has changed", async () => {
    const ks = keyspace("mig_sum");
    await migrate({ config: configFor(ks, dc1), migrations: all.slice(0, 4) });
    const edited: Migration[] = all.map((m) =>
      m.version === 3
        ? parseMigration(m.fileName, `${m.template}\n-- an innocent-looking edit\n`)
        : m,
    );

    const error = await migrate({ config: configFor(ks, dc2), migrations: edited }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationChecksumError);
    expect(error).toBeInstanceOf(CqlError);
    expect((error as MigrationChecksumError).code).toBe("migration_checksum_mismatch");
    expect((error as MigrationChecksumError).version).toBe(3);
    // Nothing pending was applied after the refusal ...
    expect((await recordedMigrations(ks, dc1)).map((r) => r.version)).toEqual([1, 2, 3, 4]);
    // ... and the lease was released: the unedited set goes straight through.
    const fixed = await migrate({
      config: configFor(ks, dc1, { MIGRATE_LEASE_WAIT_SECONDS: "5" }),
    });
    expect(appliedVersions(fixed)).toEqual(versions.slice(4));
  });

  it("waits out a lease left by a crashed runner (TTL), and times out while it is held", async () => {
    const ks = keyspace("mig_lease");
    await migrate({ config: configFor(ks, dc1), migrations: all.slice(0, 1) });
    const client = clientIn(dc1);
    await client.connect();
    try {
      const holdLease = (ttl: number) =>
        client.execute(
          `INSERT INTO ${ks}.${TABLES.schemaMigrationLease} (name, owner, acquired_at)
            VALUES (?, ?, toTimestamp(now())) USING TTL ?`,
          [LEASE_NAME, "crashed-runner", ttl],
          { prepare: true, consistency: cassandra.types.consistencies.quorum },
        );

      await holdLease(600);
      const timedOut = await migrate({
        config: configFor(ks, dc2, { MIGRATE_LEASE_WAIT_SECONDS: "2" }),
      }).catch((e: unknown) => e);
      expect((timedOut as CqlError).code).toBe("migration_lease_timeout");
      expect((timedOut as CqlError).retriable).toBe(true);

      await holdLease(4);
      const result = await migrate({ config: configFor(ks, dc2) });
      expect(appliedVersions(result)).toEqual(versions.slice(1));
    } finally {
      await client.shutdown();
    }
  });
});
