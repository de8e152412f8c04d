// Harness configuration: environment variables (and CLI overrides) parsed once into one typed,
// validated object. Every other module takes this object instead of reading process.env.
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

export const SERVICE_NAMES = ["cassandra", "kafka", "redis", "upstash", "s3"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const port = z.coerce.number().int().min(1).max(65535);
const count = (max: number) => z.coerce.number().int().min(1).max(max);
// Real services listen on loopback only: an address outside 127/8 is a configuration mistake.
const loopbackHost = z
  .string()
  .regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, "must be a loopback IPv4 address (127.x.y.z)");
const heap = z.string().regex(/^\d+[mMgG]$/, "must look like 512M or 1G");
const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '.', '_' or '-' only");

const envSchema = z.object({
  HOME: z.string().min(1).default(homedir()),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  JAVA_HOME: z.string().min(1).optional(),
  EDGE_CHAT_CACHE_DIR: z.string().min(1).optional(),
  EDGE_CHAT_SERVICES_DIR: z.string().min(1).optional(),
  EDGE_CHAT_SERVICES_HOST: loopbackHost.default("127.0.0.1"),
  EDGE_CHAT_JAVA: z.string().min(1).optional(),
  EDGE_CHAT_MVN: z.string().min(1).default("mvn"),
  EDGE_CHAT_GO: z.string().min(1).optional(),
  EDGE_CHAT_REDIS_SERVER: z.string().min(1).default("redis-server"),
  EDGE_CHAT_CASSANDRA_VERSION: z
    .string()
    .regex(/^5\.0\.\d+$/, "must be a 5.0.x version")
    .default("5.0.9"),
  EDGE_CHAT_CASSANDRA_DCS: count(9).default(2),
  EDGE_CHAT_CASSANDRA_NODES_PER_DC: count(9).default(1),
  EDGE_CHAT_CASSANDRA_ADDRESS_PREFIX: z
    .string()
    .regex(/^127\.\d{1,3}\.\d{1,3}\.$/, "must look like 127.0.0.")
    .default("127.0.0."),
  EDGE_CHAT_CASSANDRA_PORT: port.default(9042),
  EDGE_CHAT_CASSANDRA_STORAGE_PORT: port.default(7000),
  EDGE_CHAT_CASSANDRA_HEAP: heap.default("512M"),
  EDGE_CHAT_CASSANDRA_CLUSTER_NAME: name.default("edge-chat"),
  EDGE_CHAT_KAFKA_VERSION: z
    .string()
    .regex(/^3\.\d+\.\d+$/, "must be a 3.x version")
    .default("3.9.2"),
  EDGE_CHAT_KAFKA_PORT: port.default(9092),
  EDGE_CHAT_KAFKA_CONTROLLER_PORT: port.default(9093),
  EDGE_CHAT_KAFKA_HEAP: heap.default("384M"),
  // 1: one combined broker+controller. 3: a KRaft quorum of three combined nodes (broker N on the
  // host's address + N-1, e.g. 127.0.0.1..3, same ports), internal topics RF 3, min ISR 2.
  EDGE_CHAT_KAFKA_BROKERS: count(5).default(1),
  EDGE_CHAT_REDIS_PORT: port.default(16379),
  EDGE_CHAT_UPSTASH_PORT: port.default(18079),
  EDGE_CHAT_UPSTASH_TOKEN: z.string().min(8).default("edge-chat-local-token"),
  EDGE_CHAT_S3_PORT: port.default(19000),
  EDGE_CHAT_S3_REGION: name.default("us-east-1"),
  EDGE_CHAT_S3_ACCESS_KEY: z.string().min(3).default("edgechat"),
  EDGE_CHAT_S3_SECRET_KEY: z.string().min(8).default("edgechat-local-secret"),
  EDGE_CHAT_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name")
    .default("edge-chat-media"),
  EDGE_CHAT_VERSITYGW_VERSION: z
    .string()
    .regex(/^v\d+\.\d+\.\d+$/)
    .default("v1.7.0"),
});

export interface CassandraConfig {
  version: string;
  dataCenters: number;
  nodesPerDc: number;
  addressPrefix: string;
  port: number;
  storagePort: number;
  heap: string;
  clusterName: string;
}

export interface ServicesConfig {
  cacheDir: string;
  runDir: string;
  logDir: string;
  host: string;
  tools: { java: string; mvn: string; go: string | undefined; redisServer: string };
  cassandra: CassandraConfig;
  kafka: {
    version: string;
    port: number;
    controllerPort: number;
    heap: string;
    /** Combined broker+controller nodes in the KRaft cluster. */
    brokers: number;
  };
  redis: { port: number };
  upstash: { port: number; token: string };
  s3: {
    port: number;
    /** The AWS region the S3 API signs for, not an edge-chat region. */
    awsRegion: string;
    accessKeyId: string;
    secretAccessKey: string;
    bucket: string;
    versitygwVersion: string;
  };
}

/** Overrides a caller (CLI flag or test setup) may give on top of the environment. */
export interface ConfigOverrides {
  cassandraDcs?: number | undefined;
  cassandraNodesPerDc?: number | undefined;
  kafkaBrokers?: number | undefined;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "SERVICES_CONFIG_INVALID";
}

/** Parses the environment (plus overrides) into the typed configuration; throws ConfigError. */
export function parseConfig(
  env: Record<string, string | undefined>,
  overrides: ConfigOverrides = {},
): ServicesConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = envSchema.safeParse({
    ...cleaned,
    ...(overrides.cassandraDcs === undefined
      ? {}
      : { EDGE_CHAT_CASSANDRA_DCS: overrides.cassandraDcs }),
    ...(overrides.cassandraNodesPerDc === undefined
      ? {}
      : { EDGE_CHAT_CASSANDRA_NODES_PER_DC: overrides.cassandraNodesPerDc }),
    ...(overrides.kafkaBrokers === undefined
      ? {}
      : { EDGE_CHAT_KAFKA_BROKERS: overrides.kafkaBrokers }),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid services configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const cassandra: CassandraConfig = {
    version: e.EDGE_CHAT_CASSANDRA_VERSION,
    dataCenters: e.EDGE_CHAT_CASSANDRA_DCS,
    nodesPerDc: e.EDGE_CHAT_CASSANDRA_NODES_PER_DC,
    addressPrefix: e.EDGE_CHAT_CASSANDRA_ADDRESS_PREFIX,
    port: e.EDGE_CHAT_CASSANDRA_PORT,
    storagePort: e.EDGE_CHAT_CASSANDRA_STORAGE_PORT,
    heap: e.EDGE_CHAT_CASSANDRA_HEAP,
    clusterName: e.EDGE_CHAT_CASSANDRA_CLUSTER_NAME,
  };
  if (cassandra.dataCenters * cassandra.nodesPerDc > 9) {
    throw new ConfigError("invalid services configuration: at most 9 Cassandra nodes in total");
  }
  const ports = [
    e.EDGE_CHAT_KAFKA_PORT,
    e.EDGE_CHAT_KAFKA_CONTROLLER_PORT,
    e.EDGE_CHAT_REDIS_PORT,
    e.EDGE_CHAT_UPSTASH_PORT,
    e.EDGE_CHAT_S3_PORT,
  ];
  if (new Set(ports).size !== ports.length) {
    throw new ConfigError("invalid services configuration: service ports must differ");
  }
  const cacheDir =
    e.EDGE_CHAT_CACHE_DIR ?? join(e.XDG_CACHE_HOME ?? join(e.HOME, ".cache"), "edge-chat");
  const runDir = e.EDGE_CHAT_SERVICES_DIR ?? join(e.HOME, ".cache", "edge-chat", "run");
  return {
    cacheDir,
    runDir,
    logDir: join(runDir, "logs"),
    host: e.EDGE_CHAT_SERVICES_HOST,
    tools: {
      java: e.EDGE_CHAT_JAVA ?? (e.JAVA_HOME ? join(e.JAVA_HOME, "bin", "java") : "java"),
      mvn: e.EDGE_CHAT_MVN,
      go: e.EDGE_CHAT_GO,
      redisServer: e.EDGE_CHAT_REDIS_SERVER,
    },
    cassandra,
    kafka: {
      version: e.EDGE_CHAT_KAFKA_VERSION,
      port: e.EDGE_CHAT_KAFKA_PORT,
      controllerPort: e.EDGE_CHAT_KAFKA_CONTROLLER_PORT,
      heap: e.EDGE_CHAT_KAFKA_HEAP,
      brokers: e.EDGE_CHAT_KAFKA_BROKERS,
    },
    redis: { port: e.EDGE_CHAT_REDIS_PORT },
    upstash: { port: e.EDGE_CHAT_UPSTASH_PORT, token: e.EDGE_CHAT_UPSTASH_TOKEN },
    s3: {
      port: e.EDGE_CHAT_S3_PORT,
      awsRegion: e.EDGE_CHAT_S3_REGION,
      accessKeyId: e.EDGE_CHAT_S3_ACCESS_KEY,
      secretAccessKey: e.EDGE_CHAT_S3_SECRET_KEY,
      bucket: e.EDGE_CHAT_S3_BUCKET,
      versitygwVersion: e.EDGE_CHAT_VERSITYGW_VERSION,
    },
  };
}

/** Parses a `--only cassandra,kafka` list; an empty or missing list means every service. */
export function parseServiceList(list: string | undefined): ServiceName[] {
  if (list === undefined || list.trim() === "") return [...SERVICE_NAMES];
  const wanted = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const s of wanted) {
    if (!(SERVICE_NAMES as readonly string[]).includes(s)) {
      throw new ConfigError(`unknown service "${s}" (known: ${SERVICE_NAMES.join(", ")})`);
    }
  }
  return withDependencies(wanted as ServiceName[]);
}

/** The Upstash REST proxy fronts Redis, so asking for it implies Redis. Keeps canonical order. */
export function withDependencies(services: readonly ServiceName[]): ServiceName[] {
  const set = new Set(services);
  if (set.has("upstash")) set.add("redis");
  return SERVICE_NAMES.filter((s) => set.has(s));
}
