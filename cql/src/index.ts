// @edge-chat/cql: the Cassandra schema (names, buckets, page planning) for region-core's
// repositories, and the migration runner that creates it.
export {
  BUCKET_SIZE,
  type BucketRange,
  bucketOf,
  bucketsForPage,
  MAX_PAGE_LIMIT,
  type PagePlan,
  type PageRequest,
  seqRangeOfBucket,
} from "./buckets.ts";
export {
  type CassandraClient,
  checkSchemaAgreement,
  createCassandraClient,
} from "./client.ts";
export { type CqlConfig, type Env, parseCqlConfig, replicationCql } from "./config.ts";
export { CqlError, type CqlErrorCode, MigrationChecksumError } from "./errors.ts";
export {
  type AppliedMigration,
  type MigrateOptions,
  type MigrateResult,
  migrate,
  waitForSchemaAgreement,
} from "./migrate.ts";
export {
  loadMigrations,
  MIGRATIONS_DIR,
  type Migration,
  renderTemplate,
  splitStatements,
} from "./migrations.ts";
export * from "./tables.ts";
