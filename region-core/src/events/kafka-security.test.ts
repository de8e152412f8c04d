import { ChatError } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { kafkaClientSecurity } from "./kafka-security.ts";

const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const security = (env: Record<string, string>) =>
  kafkaClientSecurity(loadConfig(env).kafka.security);

describe("Kafka client security from the environment", () => {
  it("is plaintext without authentication by default", () => {
    expect(security({})).toEqual({});
  });

  it("maps TLS (system or given CA, always verified) and SCRAM as MSK offers them", () => {
    expect(security({ KAFKA_TLS: "true" })).toEqual({ ssl: { rejectUnauthorized: true } });
    expect(
      security({
        KAFKA_TLS: "true",
        KAFKA_TLS_CA: pem,
        KAFKA_SASL_MECHANISM: "scram-sha-512",
        KAFKA_SASL_USERNAME: "region-core",
        KAFKA_SASL_PASSWORD: "secret",
      }),
    ).toEqual({
      ssl: { rejectUnauthorized: true, ca: [pem] },
      sasl: { mechanism: "scram-sha-512", username: "region-core", password: "secret" },
    });
  });

  it.each([
    ["a CA without TLS", { KAFKA_TLS_CA: pem }, /KAFKA_TLS_CA needs KAFKA_TLS/],
    ["a CA that is not PEM", { KAFKA_TLS: "true", KAFKA_TLS_CA: "x" }, /PEM/],
    ["a mechanism without credentials", { KAFKA_SASL_MECHANISM: "scram-sha-256" }, /needs/],
    [
      "credentials without a mechanism",
      { KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" },
      /need/,
    ],
    [
      "PLAIN over plaintext",
      { KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" },
      /needs KAFKA_TLS=true/,
    ],
    ["an unknown mechanism", { KAFKA_SASL_MECHANISM: "gssapi" }, /KAFKA_SASL_MECHANISM/],
  ])("refuses %s", (_name, env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ChatError);
    expect((error as ChatError).message).toMatch(message);
  });
});
