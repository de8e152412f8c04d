// Kafka single combined KRaft node: writes server.properties, formats storage once, starts it and
// waits for the log line plus a real metadata request; also creates topics for tests.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import kafkajs from "kafkajs";
import type { ServicesConfig } from "../config.ts";
import { kafkaLog4jProperties, kafkaServerProperties } from "../kafka-config.ts";
import { kafkaArtifacts, log, mavenClasspath, requireTool, run } from "../install.ts";
import {
  isRunning,
  logSize,
  readPid,
  ServiceError,
  startDetached,
  stopProcess,
  waitReady,
} from "../process.ts";
import type { HealthRow, KafkaEndpoint } from "../types.ts";

const ID = "kafka";

let warningFilterInstalled = false;

/**
 * kafkajs sets timers with negative delays, which Node 24 reports as TimeoutNegativeWarning on
 * every run; drop that one warning and print the others as Node would.
 */
export function ignoreKafkajsTimerWarning(): void {
  if (warningFilterInstalled) return;
  warningFilterInstalled = true;
  process.removeAllListeners("warning");
  process.on("warning", (w) => {
    if (w.name !== "TimeoutNegativeWarning")
      console.warn(`(node:${process.pid}) ${w.name}: ${w.message}`);
  });
}

function paths(cfg: ServicesConfig) {
  const dir = join(cfg.runDir, "kafka");
  return {
    dir,
    data: join(dir, "data"),
    properties: join(dir, "server.properties"),
    log4j: join(dir, "log4j.properties"),
    log: join(cfg.logDir, "kafka.log"),
  };
}

export function kafkaEndpoint(cfg: ServicesConfig): KafkaEndpoint {
  return { brokers: [`${cfg.host}:${cfg.kafka.port}`] };
}

function admin(endpoint: KafkaEndpoint) {
  const kafka = new kafkajs.Kafka({
    clientId: "edge-chat-services",
    brokers: endpoint.brokers,
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 2 },
    connectionTimeout: 3000,
  });
  return kafka.admin();
}

export async function kafkaPing(cfg: ServicesConfig): Promise<boolean> {
  const a = admin(kafkaEndpoint(cfg));
  try {
    await a.connect();
    await a.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await a.disconnect().catch(() => {});
  }
}

/** Creates topics that do not exist yet (idempotent), for tests that want explicit partitions. */
export async function createKafkaTopics(
  endpoint: KafkaEndpoint,
  topics: readonly { topic: string; numPartitions?: number }[],
): Promise<void> {
  const a = admin(endpoint);
  try {
    await a.connect();
    await a.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions ?? 1,
        replicationFactor: 1,
      })),
    });
  } finally {
    await a.disconnect().catch(() => {});
  }
}

export async function upKafka(cfg: ServicesConfig): Promise<KafkaEndpoint> {
  const existing = readPid(cfg.runDir, ID);
  const what = `Kafka (${cfg.host}:${cfg.kafka.port})`;
  if (isRunning(existing)) {
    await waitReady({
      service: "kafka",
      rec: existing!,
      timeoutMs: 120_000,
      check: () => kafkaPing(cfg),
      what,
    });
    return kafkaEndpoint(cfg);
  }
  requireTool("kafka", cfg.tools.java, ["-version"], "apt-get install openjdk-17-jre-headless");
  const classpath = await mavenClasspath(
    cfg,
    "kafka",
    `kafka-${cfg.kafka.version}`,
    kafkaArtifacts(cfg.kafka.version),
  );
  const p = paths(cfg);
  mkdirSync(p.data, { recursive: true });
  mkdirSync(cfg.logDir, { recursive: true });
  writeFileSync(p.properties, kafkaServerProperties(cfg, p.data));
  writeFileSync(p.log4j, kafkaLog4jProperties());
  const jvm = [
    `-Xms128M`,
    `-Xmx${cfg.kafka.heap}`,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
    `-Dlog4j.configuration=file:${p.log4j}`,
    `-Dkafka.logs.dir=${p.dir}`,
    "-cp",
    classpath,
  ];
  if (!existsSync(join(p.data, "meta.properties"))) {
    const format = await run(cfg.tools.java, [
      ...jvm,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      randomBytes(16).toString("base64url"),
      "-c",
      p.properties,
      "--ignore-formatted",
    ]);
    if (format.status !== 0) {
      throw new ServiceError(
        "kafka",
        "SERVICE_START_FAILED",
        `formatting storage failed:\n${format.stdout}\n${format.stderr}`,
      );
    }
  }
  log(`starting ${what}`);
  const from = logSize(p.log);
  const rec = startDetached(cfg.runDir, {
    id: ID,
    command: cfg.tools.java,
    args: [...jvm, "kafka.Kafka", p.properties],
    log: p.log,
    marker: p.properties,
  });
  await waitReady({
    service: "kafka",
    rec,
    started: { runDir: cfg.runDir, id: ID },
    timeoutMs: 180_000,
    logLine: "Kafka Server started",
    fromByte: from,
    check: () => kafkaPing(cfg),
    what,
  });
  return kafkaEndpoint(cfg);
}

export async function downKafka(cfg: ServicesConfig): Promise<string[]> {
  return (await stopProcess(cfg.runDir, ID, 60_000)) ? ["kafka"] : [];
}

export async function statusKafka(cfg: ServicesConfig): Promise<HealthRow> {
  const rec = readPid(cfg.runDir, ID);
  const running = isRunning(rec);
  const healthy = running && (await kafkaPing(cfg));
  return {
    service: "kafka",
    address: kafkaEndpoint(cfg).brokers.join(","),
    state: healthy ? "healthy" : running ? "unhealthy" : "stopped",
    pid: running ? rec!.pid : undefined,
    log: paths(cfg).log,
  };
}
