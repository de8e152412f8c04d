// Typed errors for the schema package: a stable `code`, `retriable`, and no string throws. The
// runner's CLI and region-core map them to exit codes / protocol errors in one place each.

export type CqlErrorCode =
  | "invalid_config"
  | "invalid_page_request"
  | "invalid_migration"
  | "migration_checksum_mismatch"
  | "migration_lease_timeout"
  | "migration_lease_lost"
  | "schema_agreement_timeout";

export class CqlError extends Error {
  readonly code: CqlErrorCode;
  readonly retriable: boolean;

  constructor(code: CqlErrorCode, message: string, options: { retriable?: boolean } = {}) {
    super(message);
    this.name = "CqlError";
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** An applied migration's file changed after it was applied: the runner refuses to go on. */
export class MigrationChecksumError extends CqlError {
  readonly version: number;
  readonly appliedChecksum: string;
  readonly fileChecksum: string;

  constructor(version: number, name: string, appliedChecksum: string, fileChecksum: string) {
    super(
      "migration_checksum_mismatch",
      `migration ${version} (${name}) was applied with checksum ${appliedChecksum} but the file ` +
        `now has ${fileChecksum}; applied migrations must never change: add a new migration instead`,
    );
    this.name = "MigrationChecksumError";
    this.version = version;
    this.appliedChecksum = appliedChecksum;
    this.fileChecksum = fileChecksum;
  }
}
