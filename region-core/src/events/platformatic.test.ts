import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { keyHash, platformaticSecurity } from "./platformatic.ts";

const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("the @platformatic/kafka producer's settings", () => {
  it("puts every key on the partition kafkajs (and Java) would", () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const keys = Array.from({ length: 2_000 }, (_, i) => `g:conversation-${i}-é`);
    for (const partitions of [1, 3, 4, 8, 12, 50]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        partitionErrorCode: 0,
        replicas: [1],
        isr: [1],
      }));
      for (const key of keys) {
        const expected = kafkajs({ topic: "t", partitionMetadata, message: { key, value: "" } });
        expect(keyHash(key) % partitions, `${key} of ${partitions}`).toBe(expected);
      }
    }
  });

  it("maps TLS (always verified) and SASL from the environment", () => {
    const security = (env: Record<string, string>) =>
      platformaticSecurity(loadConfig(env).kafka.security);
    expect(security({})).toEqual({});
    expect(security({ KAFKA_TLS: "true" })).toEqual({ tls: { rejectUnauthorized: true } });
    expect(
      security({
        KAFKA_TLS: "true",
        KAFKA_TLS_CA: pem,
        KAFKA_SASL_MECHANISM: "scram-sha-512",
        KAFKA_SASL_USERNAME: "region-core",
        KAFKA_SASL_PASSWORD: "secret",
      }),
    ).toEqual({
      tls: { rejectUnauthorized: true, ca: [pem] },
      sasl: { mechanism: "SCRAM-SHA-512", username: "region-core", password: "secret" },
    });
    expect(
      security({
        KAFKA_TLS: "true",
        KAFKA_SASL_MECHANISM: "plain",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "p",
      }).sasl,
    ).toEqual({ mechanism: "PLAIN", username: "u", password: "p" });
  });
});
