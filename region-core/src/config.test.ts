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
    [{ S3_ENDPOINT: "ftp://x" }, "S3_ENDPOINT"],
    [{ MEDIA_UPLOAD_URL_TTL_SECONDS: "0" }, "MEDIA_UPLOAD_URL_TTL_SECONDS"],
    [{ S3_ACCESS_KEY_ID: "only-half" }, "S3_ACCESS_KEY_ID"],
    [{ MEDIA_CDN_URL: "https://cdn.example.test" }, "MEDIA_CDN_KEY_PAIR_ID"],
  ])("rejects %o", (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
    expect(() => loadConfig(env)).toThrow(ChatError);
  });

  it("signs media for the embedded store when embedded, and for AWS S3 when real", () => {
    const embedded = loadConfig({}).media;
    expect(embedded).toMatchObject({ uploadTtlSeconds: 300, downloadTtlSeconds: 300 });
    expect(embedded.s3).toEqual({
      endpoint: "http://127.0.0.1:8792",
      awsRegion: "us-east-1",
      bucket: "edge-chat-media",
      forcePathStyle: true,
      signContentLength: true,
      credentials: { accessKeyId: "edgechat", secretAccessKey: "edgechat-local-secret" },
    });
    const jwk = JSON.stringify({ kty: "OKP", crv: "Ed25519", x: "abc" });
    // Real: the SDK resolves endpoint, region and credentials (e.g. the task role); only the
    // bucket.
    const real = loadConfig({ ADAPTERS: "real", SERVICE_JWKS: jwk, MEDIA_BUCKET: "prod-media" });
    expect(real.media.s3).toEqual({
      bucket: "prod-media",
      forcePathStyle: false,
      signContentLength: true,
    });
    const keyed = loadConfig({
      ADAPTERS: "real",
      SERVICE_JWKS: jwk,
      S3_ENDPOINT: "http://127.0.0.1:19000",
      S3_REGION: "eu-west-1",
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "k",
      S3_SECRET_ACCESS_KEY: "s",
      MEDIA_DOWNLOAD_URL_TTL_SECONDS: "60",
    }).media;
    expect(keyed.s3).toMatchObject({
      endpoint: "http://127.0.0.1:19000",
      awsRegion: "eu-west-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "k", secretAccessKey: "s" },
    });
    expect(keyed.downloadTtlSeconds).toBe(60);
  });

  it("tunes the persister's group membership for fast rejoins, and checks the heartbeat fits", () => {
    // A dead member is dropped after the session timeout: 6 s (the broker's minimum), not 30 s.
    expect(loadConfig({}).kafka.consumer).toEqual({
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 1000,
      rebalanceTimeoutMs: 15000,
      fetchMaxWaitMs: 1000,
    });
    expect(
      loadConfig({ KAFKA_SESSION_TIMEOUT_MS: "9000", KAFKA_HEARTBEAT_INTERVAL_MS: "3000" }).kafka
        .consumer.sessionTimeoutMs,
    ).toBe(9000);
    expect(() => loadConfig({ KAFKA_HEARTBEAT_INTERVAL_MS: "2500" })).toThrow(
      /KAFKA_HEARTBEAT_INTERVAL_MS/,
    );
  });

  it("gives each process slot of a region one stable group.instance.id (static membership)", () => {
    const env = { REGION_ID: "eu-west", PORT: "8788" };
    expect(loadConfig(env).kafka.consumerClient).toBe("platformatic");
    // By default the slot is this host and port: the same after a restart of the process…
    const id = loadConfig(env).kafka.groupInstanceId;
    expect(id).toMatch(/^region-core-eu-west-slot-[A-Za-z0-9._-]+-8788$/);
    expect(loadConfig(env).kafka.groupInstanceId).toBe(id);
    // …and another for a second process of the region beside it (e.g. ingest-only and persister),
    // which would otherwise fence each other out of the group forever.
    expect(loadConfig({ ...env, PORT: "8789" }).kafka.groupInstanceId).not.toBe(id);
    const ephemeral = loadConfig({ ...env, PORT: "0" }).kafka.groupInstanceId;
    expect(ephemeral).toMatch(new RegExp(`-pid${process.pid}$`));
    expect(loadConfig({ ...env, KAFKA_INSTANCE_SLOT: "2" }).kafka.groupInstanceId).toBe(
      "region-core-eu-west-slot-2",
    );
    expect(() => loadConfig({ ...env, KAFKA_INSTANCE_SLOT: "a b" })).toThrow(/KAFKA_INSTANCE_SLOT/);
    expect(loadConfig({ ...env, KAFKA_CONSUMER: "kafkajs" }).kafka.consumerClient).toBe("kafkajs");
    expect(() => loadConfig({ KAFKA_CONSUMER: "librdkafka" })).toThrow(/KAFKA_CONSUMER/);
  });

  it("sweeps raw uploads a day after their PUT by default, and only after their URL is long gone", () => {
    expect(loadConfig({}).media.sweep).toEqual({ maxAgeSeconds: 86_400, intervalSeconds: 3600 });
    expect(loadConfig({ MEDIA_UPLOAD_MAX_AGE_SECONDS: "601" }).media.sweep.maxAgeSeconds).toBe(601);
    expect(() => loadConfig({ MEDIA_UPLOAD_MAX_AGE_SECONDS: "600" })).toThrow(
      /MEDIA_UPLOAD_MAX_AGE_SECONDS/,
    );
    expect(loadConfig({ S3_DOWNLOAD_ENDPOINT: "http://127.0.0.1:8793" }).media.s3).toMatchObject({
      endpoint: "http://127.0.0.1:8792",
      downloadEndpoint: "http://127.0.0.1:8793",
    });
  });

  it("refuses real adapters without service keys", () => {
    expect(() => loadConfig({ ADAPTERS: "real" })).toThrow(/SERVICE_JWKS/);
  });

  it("turns a push provider on only with its whole set of credentials", () => {
    const none = loadConfig({}).push;
    expect(none).toMatchObject({ topic: "edge-chat.push", dlqTopic: "edge-chat.push.dlq" });
    expect(none.webPush).toBeUndefined();
    expect(none.apns).toBeUndefined();
    expect(() => loadConfig({ APNS_KEY_ID: "K", APNS_TEAM_ID: "T" })).toThrow(/APNS_KEY/);
    const vapid = loadConfig({
      VAPID_PUBLIC_KEY: "B".repeat(87),
      VAPID_PRIVATE_KEY: "p".repeat(43),
    });
    expect(vapid.push.webPush?.subject).toMatch(/^mailto:/);
    expect(() => loadConfig({ FCM_SERVICE_ACCOUNT: "{}" })).toThrow(/FCM_SERVICE_ACCOUNT/);
  });
});
