import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, parseServiceList, withDependencies } from "./config.ts";

describe("parseConfig", () => {
  it("applies the documented defaults", () => {
    const cfg = parseConfig({ HOME: "/home/u" });
    expect(cfg.cacheDir).toBe("/home/u/.cache/edge-chat");
    expect(cfg.runDir).toBe("/home/u/.cache/edge-chat/run");
    expect(cfg.logDir).toBe("/home/u/.cache/edge-chat/run/logs");
    expect(cfg.host).toBe("127.0.0.1");
    expect(cfg.cassandra).toMatchObject({
      dataCenters: 2,
      nodesPerDc: 1,
      port: 9042,
      heap: "512M",
    });
    expect(cfg.kafka).toMatchObject({ port: 9092, controllerPort: 9093 });
    expect(cfg.redis.port).toBe(16379);
    expect(cfg.upstash.port).toBe(18079);
    expect(cfg.s3).toMatchObject({
      port: 19000,
      bucket: "edge-chat-media",
      awsRegion: "us-east-1",
    });
    expect(cfg.tools.java).toBe("java");
  });

  it("honours XDG_CACHE_HOME for downloads but keeps the run dir machine-wide", () => {
    const cfg = parseConfig({ HOME: "/home/u", XDG_CACHE_HOME: "/xdg" });
    expect(cfg.cacheDir).toBe("/xdg/edge-chat");
    expect(cfg.runDir).toBe("/home/u/.cache/edge-chat/run");
    expect(parseConfig({ HOME: "/h", EDGE_CHAT_SERVICES_DIR: "/r" }).logDir).toBe("/r/logs");
  });

  it("reads numbers from the environment and lets overrides win", () => {
    const cfg = parseConfig(
      { HOME: "/h", EDGE_CHAT_CASSANDRA_DCS: "3", EDGE_CHAT_REDIS_PORT: "7777", JAVA_HOME: "/jdk" },
      { cassandraNodesPerDc: 2 },
    );
    expect(cfg.cassandra.dataCenters).toBe(3);
    expect(cfg.cassandra.nodesPerDc).toBe(2);
    expect(cfg.redis.port).toBe(7777);
    expect(cfg.tools.java).toBe("/jdk/bin/java");
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ HOME: "/h", EDGE_CHAT_KAFKA_PORT: "" }).kafka.port).toBe(9092);
  });

  it.each([
    [{ EDGE_CHAT_SERVICES_HOST: "0.0.0.0" }, /loopback/],
    [{ EDGE_CHAT_REDIS_PORT: "70000" }, /EDGE_CHAT_REDIS_PORT/],
    [{ EDGE_CHAT_CASSANDRA_HEAP: "lots" }, /512M/],
    [{ EDGE_CHAT_S3_BUCKET: "Bad_Bucket" }, /bucket/],
    [{ EDGE_CHAT_CASSANDRA_DCS: "5", EDGE_CHAT_CASSANDRA_NODES_PER_DC: "2" }, /at most 9/],
    [{ EDGE_CHAT_UPSTASH_PORT: "16379" }, /must differ/],
  ])("rejects %o", (env, message) => {
    expect(() => parseConfig({ HOME: "/h", ...env })).toThrow(ConfigError);
    expect(() => parseConfig({ HOME: "/h", ...env })).toThrow(message);
  });
});

describe("service selection", () => {
  it("defaults to every service", () => {
    expect(parseServiceList(undefined)).toEqual(["cassandra", "kafka", "redis", "upstash", "s3"]);
    expect(parseServiceList(" ")).toHaveLength(5);
  });

  it("keeps canonical order and adds Redis under the Upstash proxy", () => {
    expect(parseServiceList("s3, upstash")).toEqual(["redis", "upstash", "s3"]);
    expect(withDependencies(["kafka", "cassandra"])).toEqual(["cassandra", "kafka"]);
  });

  it("rejects unknown names", () => {
    expect(() => parseServiceList("cassandra,mongo")).toThrow(/unknown service "mongo"/);
  });
});
