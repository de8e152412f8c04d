// `npm run migrate` (root) / `npm run migrate -w cql`: applies pending migrations to the cluster
// named by the CASSANDRA_* env vars (see config.ts for the list and defaults).
import process from "node:process";
import { parseCqlConfig } from "./config.ts";
import { CqlError } from "./errors.ts";
import { migrate } from "./migrate.ts";

const log = (line: string) => process.stderr.write(`[migrate] ${line}\n`);

try {
  const config = parseCqlConfig(process.env);
  log(
    `keyspace ${config.keyspace} via ${config.contactPoints.join(",")} (local dc ` +
      `${config.localDataCenter}, replication ${JSON.stringify(config.replication)})`,
  );
  const result = await migrate({ config, log });
  log(
    `done in ${result.durationMs} ms: applied [${result.applied.map((m) => m.version).join(", ")}], ` +
      `already applied [${result.alreadyApplied.join(", ")}]` +
      (result.unknownApplied.length > 0
        ? `, applied by a newer version [${result.unknownApplied.join(", ")}]`
        : ""),
  );
} catch (error) {
  if (error instanceof CqlError) {
    log(`${error.code}: ${error.message}`);
    process.exitCode = error.retriable ? 75 : 1; // 75 = EX_TEMPFAIL: worth running again
  } else {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
}
