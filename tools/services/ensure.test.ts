import { describe, expect, it } from "vitest";
import { parseTarget } from "./ensure.ts";

describe("stop/start targets", () => {
  it("names a service, one Cassandra node or one Kafka broker", () => {
    expect(parseTarget("kafka")).toBe("kafka");
    expect(parseTarget("cassandra")).toBe("cassandra");
    expect(parseTarget("cassandra:node2")).toBe("cassandra:node2");
    expect(parseTarget("kafka:broker2")).toBe("kafka:broker2");
  });

  it("refuses anything else, saying what is expected", () => {
    for (const bad of [
      "",
      "zookeeper",
      "cassandra:node0",
      "cassandra:2",
      "kafka:node1",
      "kafka:broker0",
    ]) {
      expect(() => parseTarget(bad)).toThrow(/not a service, Cassandra node or Kafka broker/);
    }
  });
});
