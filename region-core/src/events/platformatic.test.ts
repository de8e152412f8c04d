import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { keyHash, platformaticSecurity, toMessages } from "./platformatic.ts";

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

  it("encodes a batch's shared key and headers once, and every record's own value", () => {
    const headers = { "x-batch-id": "b1", "x-ingest-at": "1" };
    const other = { "x-batch-id": "b2" };
    const messages = toMessages("t", [
      { key: "g:a", value: "1", headers },
      { key: "g:a", value: new Uint8Array([50]), headers },
      { key: "g:b", value: null, headers: other },
      { key: "g:a", value: "é" },
    ]);
    const decoded = messages.map((m) => ({
      topic: m.topic,
      key: m.key?.toString(),
      value: m.value === undefined ? undefined : Buffer.from(m.value).toString(),
      headers: Object.fromEntries(
        [...(m.headers as Map<Buffer, Buffer>)].map(([k, v]) => [k.toString(), v.toString()]),
      ),
    }));
    expect(decoded).toEqual([
      { topic: "t", key: "g:a", value: "1", headers },
      { topic: "t", key: "g:a", value: "2", headers },
      { topic: "t", key: "g:b", value: undefined, headers: other },
      { topic: "t", key: "g:a", value: "é", headers: {} },
    ]);
    // Shared, not re-encoded, along a run of equal keys and headers.
    expect(messages[1]!.key).toBe(messages[0]!.key);
    expect(messages[1]!.headers).toBe(messages[0]!.headers);
    expect(messages[3]!.key).not.toBe(messages[0]!.key);
  });
});
