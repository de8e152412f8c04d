import { describe, expect, it } from "vitest";
import { sslOptions } from "./client.ts";
import { parseCqlConfig, replicationCql } from "./config.ts";
import { CqlError } from "./errors.ts";

function configError(env: Record<string, string>): CqlError {
  try {
    parseCqlConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(CqlError);
    expect((error as CqlError).code).toBe("invalid_config");
    return error as CqlError;
  }
  throw new Error("expected invalid_config");
}

describe("parseCqlConfig", () => {
  it("has working local defaults", () => {
    expect(parseCqlConfig({})).toEqual({
      contactPoints: ["127.0.0.1:9042"],
      localDataCenter: "dc1",
      keyspace: "edge_chat",
      replication: { dc1: 1, dc2: 1 },
      credentials: null,
      tls: null,
      migrate: {
        leaseTtlSeconds: 120,
        leaseWaitSeconds: 600,
        schemaAgreementSeconds: 60,
        appliedBy: "migrate@dc1",
      },
    });
  });

  it("reads a production-like environment", () => {
    const config = parseCqlConfig({
      CASSANDRA_CONTACT_POINTS: "10.0.0.1:9042, 10.0.0.2 ,cassandra.internal",
      CASSANDRA_LOCAL_DC: "us-east",
      CASSANDRA_KEYSPACE: "chat_prod",
      CASSANDRA_REPLICATION: "eu-west:3,us-east:3,ap-southeast:3",
      CASSANDRA_USERNAME: "migrator",
      CASSANDRA_PASSWORD: "secret",
      MIGRATE_LEASE_TTL_SECONDS: "300",
      MIGRATE_APPLIED_BY: "deploy-42",
      MIGRATE_SCHEMA_AGREEMENT_SECONDS: "", // empty counts as unset
    });
    expect(config.contactPoints).toEqual(["10.0.0.1:9042", "10.0.0.2", "cassandra.internal"]);
    expect(config.replication).toEqual({ "eu-west": 3, "us-east": 3, "ap-southeast": 3 });
    expect(config.credentials).toEqual({ username: "migrator", password: "secret" });
    expect(config.migrate).toEqual({
      leaseTtlSeconds: 300,
      leaseWaitSeconds: 600,
      schemaAgreementSeconds: 60,
      appliedBy: "deploy-42",
    });
    expect(replicationCql(config.replication)).toBe(
      "{'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us-east': 3, 'ap-southeast': 3}",
    );
  });

  it("rejects names that would break out of the CQL they are spliced into", () => {
    expect(configError({ CASSANDRA_KEYSPACE: "x; DROP KEYSPACE y" }).message).toMatch(
      /CASSANDRA_KEYSPACE/,
    );
    configError({ CASSANDRA_KEYSPACE: "1abc" });
    configError({ CASSANDRA_REPLICATION: "dc1':3" });
  });

  it("rejects bad replication, a local DC outside it, half credentials and bad numbers", () => {
    expect(configError({ CASSANDRA_REPLICATION: "dc1:0" }).message).toMatch(/rf in 1\.\.20/);
    expect(configError({ CASSANDRA_REPLICATION: "dc1:1,dc1:2" }).message).toMatch(/twice/);
    expect(configError({ CASSANDRA_REPLICATION: " , " }).message).toMatch(/at least one/);
    expect(configError({ CASSANDRA_LOCAL_DC: "dc3" }).message).toMatch(
      /not in CASSANDRA_REPLICATION/,
    );
    expect(configError({ CASSANDRA_USERNAME: "u" }).message).toMatch(/both/);
    configError({ MIGRATE_LEASE_TTL_SECONDS: "soon" });
    configError({ MIGRATE_LEASE_WAIT_SECONDS: "0" });
    configError({ CASSANDRA_CONTACT_POINTS: "host:port:9042" });
  });
});

describe("client TLS", () => {
  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  it("maps CASSANDRA_TLS and CASSANDRA_TLS_CA to verified TLS options", () => {
    expect(parseCqlConfig({ CASSANDRA_TLS: "false" }).tls).toBeNull();
    const system = parseCqlConfig({ CASSANDRA_TLS: "true" }).tls!;
    expect(sslOptions(system)).toEqual({ rejectUnauthorized: true });
    const own = parseCqlConfig({ CASSANDRA_TLS: "true", CASSANDRA_TLS_CA: pem }).tls!;
    expect(sslOptions(own)).toEqual({ rejectUnauthorized: true, ca: [pem] });
  });

  it("refuses a CA without TLS, a CA that is not PEM, and a TLS flag that is not a boolean", () => {
    expect(configError({ CASSANDRA_TLS_CA: pem }).message).toMatch(/needs CASSANDRA_TLS=true/);
    expect(configError({ CASSANDRA_TLS: "true", CASSANDRA_TLS_CA: "abc" }).message).toMatch(
      /must be PEM/,
    );
    expect(configError({ CASSANDRA_TLS: "on" }).message).toMatch(/CASSANDRA_TLS/);
  });
});
