import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import { kafkaServerProperties } from "./kafka-config.ts";

describe("kafkaServerProperties", () => {
  it("describes one combined KRaft node on loopback", () => {
    const props = kafkaServerProperties(parseConfig({ HOME: "/h" }), "/run/kafka/data");
    const map = new Map(
      props
        .trim()
        .split("\n")
        .map((l) => l.split("=", 2) as [string, string]),
    );
    expect(map.get("process.roles")).toBe("broker,controller");
    expect(map.get("controller.quorum.voters")).toBe("1@127.0.0.1:9093");
    expect(map.get("listeners")).toBe("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    expect(map.get("offsets.topic.replication.factor")).toBe("1");
    expect(map.get("group.initial.rebalance.delay.ms")).toBe("0");
    expect(map.get("log.dirs")).toBe("/run/kafka/data");
  });
});
