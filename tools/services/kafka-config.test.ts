import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import { kafkaBrokerHost, kafkaServerProperties } from "./kafka-config.ts";

const parse = (props: string) =>
  new Map(
    props
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2) as [string, string]),
  );

describe("kafkaServerProperties", () => {
  it("describes one combined KRaft node on loopback", () => {
    const map = parse(kafkaServerProperties(parseConfig({ HOME: "/h" }), "/run/kafka/data"));
    expect(map.get("process.roles")).toBe("broker,controller");
    expect(map.get("controller.quorum.voters")).toBe("1@127.0.0.1:9093");
    expect(map.get("listeners")).toBe("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    expect(map.get("offsets.topic.replication.factor")).toBe("1");
    expect(map.get("min.insync.replicas")).toBe("1");
    expect(map.get("group.initial.rebalance.delay.ms")).toBe("0");
    expect(map.get("log.dirs")).toBe("/run/kafka/data");
  });

  it("makes three brokers one quorum on their own addresses, RF 3 and min ISR 2", () => {
    const cfg = parseConfig({
      HOME: "/h",
      EDGE_CHAT_KAFKA_BROKERS: "3",
      EDGE_CHAT_KAFKA_PORT: "29092",
      EDGE_CHAT_KAFKA_CONTROLLER_PORT: "29093",
    });
    const second = parse(kafkaServerProperties(cfg, "/d2", 2));
    expect(second.get("node.id")).toBe("2");
    expect(second.get("controller.quorum.voters")).toBe(
      "1@127.0.0.1:29093,2@127.0.0.2:29093,3@127.0.0.3:29093",
    );
    expect(second.get("listeners")).toBe(
      "PLAINTEXT://127.0.0.2:29092,CONTROLLER://127.0.0.2:29093",
    );
    expect(second.get("advertised.listeners")).toBe("PLAINTEXT://127.0.0.2:29092");
    expect(second.get("default.replication.factor")).toBe("3");
    expect(second.get("offsets.topic.replication.factor")).toBe("3");
    expect(second.get("min.insync.replicas")).toBe("2");
    expect(second.get("transaction.state.log.min.isr")).toBe("2");
  });

  it("refuses a broker address past the loopback range", () => {
    const cfg = parseConfig({
      HOME: "/h",
      EDGE_CHAT_SERVICES_HOST: "127.0.0.254",
      EDGE_CHAT_KAFKA_BROKERS: "3",
    });
    expect(() => kafkaBrokerHost(cfg, 3)).toThrow(/no loopback address/);
  });
});
