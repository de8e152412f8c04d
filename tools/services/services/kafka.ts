// Kafka in KRaft mode, one combined broker+controller node or a quorum of several (see
// kafka-config.ts): writes each node's server.properties, formats storage once with one cluster id,
// starts the nodes together (a quorum elects only once a majority runs) and waits for each one's
// log line plus a real metadata request; also creates topics for tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import kafkajs from "kafkajs";
import type { ServicesConfig } from "../config.ts";
import {
  kafkaBrokerHost,
  kafkaLog4jProperties,
  kafkaNodes,
  kafkaServerProperties,
} from "../kafka-config.ts";
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

/** Broker 1 keeps the single broker's names (pid id, folder, log), so nothing moves for it. */
const idOf = (node: number) => (node === 1 ? "kafka" : `kafka${node}`);

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

function paths(cfg: ServicesConfig, node: number) {
  const dir = join(cfg.runDir, idOf(node));
  return {
    dir,
    data: join(dir, "data"),
    properties: join(dir, "server.properties"),
    log4j: join(dir, "log4j.properties"),
    log: join(cfg.logDir, `${idOf(node)}.log`),
  };
}

const brokerAddress = (cfg: ServicesConfig, node: number) =>
  `${kafkaBrokerHost(cfg, node)}:${cfg.kafka.port}`;

export function kafkaEndpoint(cfg: ServicesConfig): KafkaEndpoint {
  return { brokers: kafkaNodes(cfg).map((node) => brokerAddress(cfg, node)) };
}

/** Every node of a cluster must be formatted with the same cluster id: made once, kept in the run dir. */
function clusterId(cfg: ServicesConfig): string {
  const file = join(cfg.runDir, "kafka-cluster-id");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const id = randomBytes(16).toString("base64url");
  mkdirSync(cfg.runDir, { recursive: true });
  writeFileSync(file, id);
  return id;
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

/** A metadata request answered by one broker (default: the first). */
export async function kafkaPing(cfg: ServicesConfig, node = 1): Promise<boolean> {
  const a = admin({ brokers: [brokerAddress(cfg, node)] });
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
      // No replication factor: the brokers' default (1, or 3 with three brokers).
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions ?? 1 })),
    });
  } finally {
    await a.disconnect().catch(() => {});
  }
}

export async function upKafka(cfg: ServicesConfig): Promise<KafkaEndpoint> {
  const classpath = kafkaNodes(cfg).every((node) => isRunning(readPid(cfg.runDir, idOf(node))))
    ? ""
    : await kafkaClasspath(cfg);
  await Promise.all(kafkaNodes(cfg).map((node) => upBroker(cfg, node, classpath)));
  return kafkaEndpoint(cfg);
}

async function kafkaClasspath(cfg: ServicesConfig): Promise<string> {
  requireTool("kafka", cfg.tools.java, ["-version"], "apt-get install openjdk-17-jre-headless");
  return mavenClasspath(
    cfg,
    "kafka",
    `kafka-${cfg.kafka.version}`,
    kafkaArtifacts(cfg.kafka.version),
  );
}

async function upBroker(cfg: ServicesConfig, node: number, classpath: string): Promise<void> {
  const ID = idOf(node);
  const existing = readPid(cfg.runDir, ID);
  const what = `Kafka broker ${node} (${brokerAddress(cfg, node)})`;
  const check = () => kafkaPing(cfg, node);
  if (isRunning(existing)) {
    await waitReady({
      service: "kafka",
      rec: existing!,
      timeoutMs: 120_000,
      check,
      what,
    });
    return;
  }
  const p = paths(cfg, node);
  mkdirSync(p.data, { recursive: true });
  mkdirSync(cfg.logDir, { recursive: true });
  writeFileSync(p.properties, kafkaServerProperties(cfg, p.data, node));
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
      clusterId(cfg),
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
    check,
    what,
  });
}

export async function downKafka(cfg: ServicesConfig): Promise<string[]> {
  const stopped = await Promise.all(
    kafkaNodes(cfg).map(async (node) =>
      (await stopProcess(cfg.runDir, idOf(node), 60_000)) ? [idOf(node)] : [],
    ),
  );
  return stopped.flat();
}

/** Stops one broker of the cluster (`kafka:brokerN`), leaving the others running. */
export async function downKafkaBroker(cfg: ServicesConfig, node: number): Promise<string[]> {
  if (!kafkaNodes(cfg).includes(node)) {
    throw new ServiceError("kafka", "SERVICE_CONFLICT", `no Kafka broker ${node} in this cluster`);
  }
  return (await stopProcess(cfg.runDir, idOf(node), 60_000)) ? [idOf(node)] : [];
}

/** The process id `pause`/`resume` act on for broker `node`. */
export const kafkaBrokerId = idOf;

export async function statusKafka(cfg: ServicesConfig): Promise<HealthRow[]> {
  return Promise.all(
    kafkaNodes(cfg).map(async (node) => {
      const rec = readPid(cfg.runDir, idOf(node));
      const running = isRunning(rec);
      const healthy = running && (await kafkaPing(cfg, node));
      return {
        service: node === 1 && cfg.kafka.brokers === 1 ? "kafka" : `kafka broker${node}`,
        address: brokerAddress(cfg, node),
        state: healthy ? "healthy" : running ? "unhealthy" : "stopped",
        pid: running ? rec!.pid : undefined,
        log: paths(cfg, node).log,
      } satisfies HealthRow;
    }),
  );
}
