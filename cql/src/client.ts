// Builds a cassandra-driver Client from the parsed config: the one place the driver is
// configured, for the runner, the tests and region-core alike.
import cassandra from "cassandra-driver";
import type { CqlConfig } from "./config.ts";

export type CassandraClient = cassandra.Client;

export interface ClientOverrides {
  /** Connect with this keyspace as the session default (it must exist). */
  readonly keyspace?: string;
}

export function createCassandraClient(
  config: CqlConfig,
  overrides: ClientOverrides = {},
): CassandraClient {
  return new cassandra.Client({
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    ...(overrides.keyspace !== undefined ? { keyspace: overrides.keyspace } : {}),
    ...(config.credentials !== null
      ? {
          authProvider: new cassandra.auth.PlainTextAuthProvider(
            config.credentials.username,
            config.credentials.password,
          ),
        }
      : {}),
    ...(config.tls !== null ? { sslOptions: sslOptions(config.tls) } : {}),
    protocolOptions: { maxSchemaAgreementWaitSeconds: config.migrate.schemaAgreementSeconds },
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum },
  });
}

/**
 * The driver's TLS options (Node's tls.connect options): the node's certificate must chain to the
 * given CA, or to a system CA when none is given. Never `rejectUnauthorized: false`.
 */
export function sslOptions(tls: NonNullable<CqlConfig["tls"]>): {
  rejectUnauthorized: true;
  ca?: string[];
} {
  return tls.ca === undefined
    ? { rejectUnauthorized: true }
    : { rejectUnauthorized: true, ca: [tls.ca] };
}

/**
 * Whether every live node reports the same schema version. The driver implements this
 * (Metadata#checkSchemaAgreement) but its type declarations leave it out, so it is typed here.
 */
export async function checkSchemaAgreement(client: CassandraClient): Promise<boolean> {
  const metadata = client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> };
  return metadata.checkSchemaAgreement();
}
