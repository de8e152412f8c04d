// Pure Kafka configuration text: a single combined broker+controller KRaft node on loopback.
import type { ServicesConfig } from "./config.ts";

export function kafkaServerProperties(cfg: ServicesConfig, dataDir: string): string {
  const h = cfg.host;
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@${h}:${cfg.kafka.controllerPort}`,
    listeners: `PLAINTEXT://${h}:${cfg.kafka.port},CONTROLLER://${h}:${cfg.kafka.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${h}:${cfg.kafka.port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": dataDir,
    "num.partitions": 1,
    "num.network.threads": 2,
    "num.io.threads": 4,
    // One broker: internal topics cannot have more than one replica.
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 8,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 4,
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
