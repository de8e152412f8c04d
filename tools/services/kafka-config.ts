// Pure Kafka configuration text: combined broker+controller KRaft nodes on loopback. One node by
// default; with EDGE_CHAT_KAFKA_BROKERS=3, three nodes that form the controller quorum together,
// each on its own loopback address (as Cassandra's nodes are), so all share the same two ports.
import type { ServicesConfig } from "./config.ts";

/** The loopback address of broker `node` (1-based): the harness host's last octet + node - 1. */
export function kafkaBrokerHost(cfg: ServicesConfig, node: number): string {
  const octets = cfg.host.split(".");
  const last = Number(octets[3]) + node - 1;
  if (last > 254) throw new Error(`no loopback address for Kafka broker ${node} after ${cfg.host}`);
  return [...octets.slice(0, 3), String(last)].join(".");
}

/** Node ids 1..N. */
export function kafkaNodes(cfg: ServicesConfig): number[] {
  return Array.from({ length: cfg.kafka.brokers }, (_, i) => i + 1);
}

export function kafkaServerProperties(cfg: ServicesConfig, dataDir: string, node = 1): string {
  const h = kafkaBrokerHost(cfg, node);
  const n = cfg.kafka.brokers;
  // Internal topics take as many replicas as there are brokers, up to 3; acks=all then needs two
  // of them in sync (one broker: one and one, as before).
  const replicas = Math.min(3, n);
  const minIsr = Math.min(2, n);
  const voters = kafkaNodes(cfg)
    .map((id) => `${id}@${kafkaBrokerHost(cfg, id)}:${cfg.kafka.controllerPort}`)
    .join(",");
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": node,
    "controller.quorum.voters": voters,
    listeners: `PLAINTEXT://${h}:${cfg.kafka.port},CONTROLLER://${h}:${cfg.kafka.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${h}:${cfg.kafka.port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": dataDir,
    "num.partitions": 1,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "default.replication.factor": replicas,
    "min.insync.replicas": minIsr,
    "offsets.topic.replication.factor": replicas,
    "offsets.topic.num.partitions": 8,
    "transaction.state.log.replication.factor": replicas,
    "transaction.state.log.min.isr": minIsr,
    "transaction.state.log.num.partitions": 4,
    // A restarted broker takes its partitions' leadership back soon after it caught up.
    "leader.imbalance.check.interval.seconds": 10,
    // Consumers in tests join groups at once instead of waiting 3 s for more members.
    "group.initial.rebalance.delay.ms": 0,
    "auto.create.topics.enable": true,
    "delete.topic.enable": true,
    "log.retention.hours": 24,
    "log.segment.bytes": 16 * 1024 * 1024,
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

/** log4j 1 config for the reload4j binding: INFO to stdout, which goes to the service log. */
export function kafkaLog4jProperties(): string {
  return [
    "log4j.rootLogger=INFO, stdout",
    "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
    "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.logger.kafka=INFO",
    "log4j.logger.org.apache.kafka=INFO",
    "log4j.logger.state.change.logger=WARN",
    "log4j.logger.kafka.request.logger=WARN",
    "",
  ].join("\n");
}
