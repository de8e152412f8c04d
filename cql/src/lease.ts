// A cluster-wide lease for the migration runner, held in one row written by lightweight
// transactions. SERIAL (not LOCAL_SERIAL): runners in different regions talk to different
// datacenters, and only a Paxos round over the replicas of every datacenter excludes them from
// each other; LOCAL_SERIAL would hand out one lease per datacenter. The row carries a TTL, so a
// runner that dies mid-migration frees the lease after leaseTtlSeconds; a live runner renews it
// (conditional on still owning it) before each migration.
import cassandra from "cassandra-driver";
import { LEASE_NAME } from "./bookkeeping.ts";
import type { CassandraClient } from "./client.ts";
import { CqlError } from "./errors.ts";
import { SCHEMA_MIGRATION_LEASE as L, TABLES } from "./tables.ts";

const { consistencies } = cassandra.types;

/** LWT options: Paxos over all datacenters, commit at QUORUM so the result is visible everywhere. */
export const LWT_OPTIONS = {
  prepare: true,
  consistency: consistencies.quorum,
  serialConsistency: consistencies.serial,
} as const;

export interface LeaseOptions {
  readonly keyspace: string;
  readonly owner: string;
  readonly ttlSeconds: number;
  readonly waitSeconds: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

export class MigrationLease {
  private readonly client: CassandraClient;
  private readonly options: LeaseOptions;

  private constructor(client: CassandraClient, options: LeaseOptions) {
    this.client = client;
    this.options = options;
  }

  /** Waits (polling with jitter) until this owner holds the lease, or times out. */
  static async acquire(client: CassandraClient, options: LeaseOptions): Promise<MigrationLease> {
    const deadline = options.now() + options.waitSeconds * 1000;
    const insert = `INSERT INTO ${options.keyspace}.${TABLES.schemaMigrationLease}
      (${L.name}, ${L.owner}, ${L.acquiredAt}) VALUES (?, ?, ?) IF NOT EXISTS USING TTL ?`;
    let lastHolder = "";
    for (;;) {
      const result = await retryUnknownOutcome(() =>
        client.execute(
          insert,
          [LEASE_NAME, options.owner, new Date(options.now()), options.ttlSeconds],
          LWT_OPTIONS,
        ),
      );
      // Not applied but ours: an earlier attempt whose answer timed out did in fact win.
      const holder = result === null ? "" : String(result.first()?.get(L.owner) ?? "");
      if (result?.wasApplied() || holder === options.owner) {
        options.log(`lease acquired by ${options.owner}`);
        return new MigrationLease(client, options);
      }
      if (holder !== lastHolder && holder !== "") {
        options.log(`lease held by ${holder}; waiting`);
        lastHolder = holder;
      }
      if (options.now() >= deadline) {
        throw new CqlError(
          "migration_lease_timeout",
          `could not take the migration lease within ${options.waitSeconds}s (held by ${holder || "unknown"})`,
          { retriable: true },
        );
      }
      await options.sleep(250 + Math.random() * 750);
    }
  }

  /** Extends the lease; throws CqlError("migration_lease_lost") if another runner owns it now. */
  async renew(): Promise<void> {
    const { keyspace, owner, ttlSeconds, now } = this.options;
    const result = await retryUnknownOutcome(() =>
      this.client.execute(
        `UPDATE ${keyspace}.${TABLES.schemaMigrationLease} USING TTL ?
          SET ${L.owner} = ?, ${L.acquiredAt} = ? WHERE ${L.name} = ? IF ${L.owner} = ?`,
        [ttlSeconds, owner, new Date(now()), LEASE_NAME, owner],
        LWT_OPTIONS,
      ),
    );
    if (result === null || !result.wasApplied()) {
      throw new CqlError(
        "migration_lease_lost",
        `migration lease of ${owner} expired or was taken over; stopping before the next migration`,
        { retriable: true },
      );
    }
  }

  /** Gives the lease up (only if still ours), so a waiting runner need not wait for the TTL. */
  async release(): Promise<void> {
    const { keyspace, owner } = this.options;
    await this.client.execute(
      `DELETE FROM ${keyspace}.${TABLES.schemaMigrationLease} WHERE ${L.name} = ? IF ${L.owner} = ?`,
      [LEASE_NAME, owner],
      LWT_OPTIONS,
    );
    this.options.log(`lease released by ${owner}`);
  }
}

/**
 * Runs an LWT, retrying once more on a write timeout of unknown outcome (CAS timeouts are
 * common under contention); returns null if it still timed out, which callers treat as "not
 * applied" after re-checking the owner on their next attempt.
 */
async function retryUnknownOutcome(
  run: () => Promise<cassandra.types.ResultSet>,
): Promise<cassandra.types.ResultSet | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isWriteTimeout(error)) throw error;
    }
  }
  return null;
}

function isWriteTimeout(error: unknown): boolean {
  return (
    error instanceof cassandra.errors.ResponseError &&
    (error.code === cassandra.types.responseErrorCodes.writeTimeout ||
      error.code === cassandra.types.responseErrorCodes.unavailableException)
  );
}
