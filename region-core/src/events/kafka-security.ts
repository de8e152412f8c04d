// Kafka client security from configuration: TLS to the brokers (MSK's TLS listener, with the
// system's CAs or a given one) and SASL (SCRAM, as MSK offers it, or PLAIN). Pure: the mapping to
// kafkajs's `ssl`/`sasl` options, unit-tested, and plain data that crosses to the producer thread.
import type { KafkaConfig, SASLOptions } from "kafkajs";

export const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;

export interface KafkaSecurity {
  /** TLS to the brokers; `ca` is PEM text (undefined: the system's CAs). Null: plaintext. */
  tls: { ca: string | undefined } | null;
  sasl: {
    mechanism: (typeof SASL_MECHANISMS)[number];
    username: string;
    password: string;
  } | null;
}

export const NO_SECURITY: KafkaSecurity = { tls: null, sasl: null };

/** Node's TLS options for either client: certificates always verified, never `false`. */
export function verifiedTls(tls: NonNullable<KafkaSecurity["tls"]>): {
  rejectUnauthorized: true;
  ca?: string[];
} {
  return tls.ca === undefined
    ? { rejectUnauthorized: true }
    : { rejectUnauthorized: true, ca: [tls.ca] };
}

/** kafkajs's options. */
export function kafkaClientSecurity(security: KafkaSecurity): Pick<KafkaConfig, "ssl" | "sasl"> {
  const options: Pick<KafkaConfig, "ssl" | "sasl"> = {};
  if (security.tls) options.ssl = verifiedTls(security.tls);
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    options.sasl = { mechanism, username, password } as SASLOptions;
  }
  return options;
}
