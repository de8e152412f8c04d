import { ChatError } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("starts with embedded defaults and no environment", () => {
    const config = loadConfig({});
    expect(config.adapters).toBe("embedded");
    expect(config.http).toEqual({ host: "127.0.0.1", port: 8788 });
    expect(config.kafka.brokers).toEqual(["127.0.0.1:9092"]);
    expect(config.kafka.groupId).toBe("edge-chat-persister-local");
    expect(config.cassandra.consistency).toBe("LOCAL_QUORUM");
    expect(config.auth.keys).toEqual({ kind: "none" });
  });

  it("parses lists, numbers, booleans and a single JWK", () => {
    const jwk = { kty: "OKP", crv: "Ed25519", x: "abc" };
    const config = loadConfig({
      REGION_ID: "eu-west",
      PORT: "8790",
      ADAPTERS: "real",
      KAFKA_BROKERS: "127.0.0.1:9092, 127.0.0.1:9094",
      CASSANDRA_CONTACT_POINTS: "127.0.0.2",
      CASSANDRA_LOCAL_DC: "dc2",
      CASSANDRA_KEYSPACE: "chat_test",
      CASSANDRA_MIGRATE: "false",
      SERVICE_JWKS: JSON.stringify(jwk),
      PERSISTER_CONCURRENCY: "3",
    });
    expect(config.regionId).toBe("eu-west");
    expect(config.http.port).toBe(8790);
    expect(config.kafka.brokers).toEqual(["127.0.0.1:9092", "127.0.0.1:9094"]);
    expect(config.kafka.clientId).toBe("region-core-eu-west");
    expect(config.cassandra).toMatchObject({ migrate: false, consistency: "LOCAL_QUORUM" });
    expect(config.cassandra.cql).toMatchObject({ localDataCenter: "dc2", keyspace: "chat_test" });
    expect(config.auth.keys).toEqual({ kind: "jwks", jwks: { keys: [jwk] } });
    expect(config.persister.concurrency).toBe(3);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "", KAFKA_TOPIC: "" }).kafka.topic).toBe("edge-chat.events");
  });

  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ ADAPTERS: "docker" }, "ADAPTERS"],
    [{ CASSANDRA_CONSISTENCY: "ALL" }, "CASSANDRA_CONSISTENCY"],
    [{ SERVICE_JWKS: "{not json" }, "SERVICE_JWKS"],
    [{ PERSISTER_CONCURRENCY: "0" }, "PERSISTER_CONCURRENCY"],
    [{ KAFKA_BROKERS: " , " }, "KAFKA_BROKERS"],
    [{ CASSANDRA_LOCAL_DC: "dc9" }, "CASSANDRA_LOCAL_DC"],
  ])("rejects %o", (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
    expect(() => loadConfig(env)).toThrow(ChatError);
  });

  it("refuses real adapters without service keys", () => {
    expect(() => loadConfig({ ADAPTERS: "real" })).toThrow(/SERVICE_JWKS/);
  });
});
