// Orchestration: bring services up (idempotently, under a machine-wide lock), report their
// health, and stop the ones we started. This is the API behind the CLI and the vitest setup.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import {
  type ConfigOverrides,
  parseConfig,
  SERVICE_NAMES,
  type ServiceName,
  type ServicesConfig,
  withDependencies,
} from "./config.ts";
import { log } from "./install.ts";
import { liveLeases, releaseLease, takeLease } from "./leases.ts";
import { pauseProcess, readPid, stopProcess } from "./process.ts";
import {
  cassandraEndpoint,
  downCassandra,
  downCassandraNode,
  statusCassandra,
  upCassandra,
} from "./services/cassandra.ts";
import {
  downKafka,
  downKafkaBroker,
  kafkaBrokerId,
  kafkaEndpoint,
  statusKafka,
  upKafka,
} from "./services/kafka.ts";
import { downRedis, redisEndpoint, statusRedis, upRedis } from "./services/redis.ts";
import { downS3, s3Endpoint, statusS3, upS3 } from "./services/s3.ts";
import { downUpstash, statusUpstash, upUpstash, upstashEndpoint } from "./services/upstash.ts";
import type { HealthRow, ServiceEndpoints } from "./types.ts";

export interface EnsureOptions extends ConfigOverrides {
  /** Services to bring up (default: all). Upstash implies Redis. */
  only?: readonly ServiceName[] | undefined;
  /** Environment to read settings from (default: process.env). */
  env?: Record<string, string | undefined> | undefined;
}

/** Addresses of every service under this configuration (whether running or not). */
export function endpointsFor(cfg: ServicesConfig): ServiceEndpoints {
  return {
    cassandra: cassandraEndpoint(cfg),
    kafka: kafkaEndpoint(cfg),
    redis: redisEndpoint(cfg),
    upstash: upstashEndpoint(cfg),
    s3: s3Endpoint(cfg),
  };
}

export function configFrom(options: EnsureOptions = {}): ServicesConfig {
  return parseConfig(options.env ?? process.env, options);
}

/**
 * Makes sure the chosen services run and are healthy, starting what is missing, and returns
 * the endpoints of all services. Safe to call from several processes at once.
 */
export async function ensureServices(options: EnsureOptions = {}): Promise<ServiceEndpoints> {
  const cfg = configFrom(options);
  const wanted = withDependencies(options.only ?? SERVICE_NAMES);
  await withLock(cfg, async () => {
    // Cassandra nodes start one by one; the other services start alongside to save wall time.
    const redisThenProxy = async () => {
      if (wanted.includes("redis")) await upRedis(cfg);
      if (wanted.includes("upstash")) await upUpstash(cfg);
    };
    const tasks = [
      wanted.includes("cassandra") ? upCassandra(cfg) : undefined,
      wanted.includes("kafka") ? upKafka(cfg) : undefined,
      redisThenProxy(),
      wanted.includes("s3") ? upS3(cfg) : undefined,
    ];
    const results = await Promise.allSettled(tasks);
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new AggregateError(
        failures,
        failures.map((f) => (f instanceof Error ? f.message : String(f))).join("\n\n"),
      );
    }
  });
  return endpointsFor(cfg);
}

export interface DownOptions extends EnsureOptions {
  /** Only stop services started at or after this time (lets CI leave pre-existing ones alone). */
  startedSince?: Date | undefined;
  /** Release this lease first, and stop nothing while other lease holders are still running. */
  leasePid?: number | undefined;
}

/** Stops the chosen services that this harness started (by pid file). Returns what it stopped. */
export async function stopServices(options: DownOptions = {}): Promise<string[]> {
  const cfg = configFrom(options);
  const wanted = options.only ? [...options.only] : [...SERVICE_NAMES];
  return withLock(cfg, async () => {
    if (options.leasePid !== undefined) {
      releaseLease(cfg.runDir, options.leasePid);
      const others = liveLeases(cfg.runDir);
      if (others.length > 0) {
        log(`services still in use by pid ${others.join(", ")}; leaving them running`);
        return [];
      }
    }
    const since = options.startedSince;
    if (since && !startedSince(cfg, since)) {
      log(`nothing was started since ${since.toISOString()}; leaving running services alone`);
      return [];
    }
    const stopped: string[] = [];
    // Dependents first: the proxy before Redis.
    if (wanted.includes("upstash")) stopped.push(...(await downUpstash(cfg)));
    if (wanted.includes("redis")) stopped.push(...(await downRedis(cfg)));
    if (wanted.includes("s3")) stopped.push(...(await downS3(cfg)));
    if (wanted.includes("kafka")) stopped.push(...(await downKafka(cfg)));
    if (wanted.includes("cassandra")) stopped.push(...(await downCassandra(cfg)));
    return stopped;
  });
}

/**
 * Stops one Cassandra node (by its pid file; SIGTERM, then SIGKILL after the grace period), as an
 * outage would, leaving the others running. `ensureServices` starts it again. Returns whether a
 * running node was stopped.
 */
export async function stopCassandraNode(
  options: EnsureOptions & { node: number; graceMs?: number },
): Promise<boolean> {
  const cfg = configFrom(options);
  return stopProcess(cfg.runDir, `cassandra-node${options.node}`, options.graceMs);
}

/**
 * One service, one Cassandra node as `cassandra:nodeN`, or one Kafka broker as `kafka:brokerN`:
 * what `stop`/`start` act on.
 */
export type ServiceTarget = ServiceName | `cassandra:node${number}` | `kafka:broker${number}`;

export function parseTarget(text: string): ServiceTarget {
  if ((SERVICE_NAMES as readonly string[]).includes(text)) return text as ServiceName;
  if (/^cassandra:node[1-9]$/.test(text)) return text as ServiceTarget;
  if (/^kafka:broker[1-5]$/.test(text)) return text as ServiceTarget;
  throw new Error(
    `not a service, Cassandra node or Kafka broker: ${text} (e.g. kafka, cassandra:node1, kafka:broker2)`,
  );
}

const brokerOf = (target: ServiceTarget) => Number(target.slice("kafka:broker".length));

/**
 * Stops one service or one Cassandra node, leaving the others running (fault injection for the
 * chaos suite). Returns what it stopped.
 */
export async function stopTarget(
  target: ServiceTarget,
  options: EnsureOptions = {},
): Promise<string[]> {
  const cfg = configFrom(options);
  if (target.startsWith("cassandra:")) {
    const node = target.slice("cassandra:".length);
    return withLock(cfg, () => downCassandraNode(cfg, node));
  }
  if (target.startsWith("kafka:"))
    return withLock(cfg, () => downKafkaBroker(cfg, brokerOf(target)));
  return stopServices({ ...options, only: [target as ServiceName] });
}

/**
 * Freezes (`paused` true) or thaws one service or Cassandra node: a hung process rather than a
 * stopped one, and thawing is instant (no JVM start). Returns false if it was not running.
 */
export function pauseTarget(
  target: ServiceTarget,
  paused: boolean,
  options: EnsureOptions = {},
): boolean {
  const cfg = configFrom(options);
  const id = target.startsWith("cassandra:")
    ? `cassandra-${target.slice("cassandra:".length)}`
    : target.startsWith("kafka:")
      ? kafkaBrokerId(brokerOf(target))
      : target;
  return pauseProcess(cfg.runDir, id, paused);
}

/** Starts one service, or the Cassandra nodes or Kafka brokers that are down; waits until healthy. */
export async function startTarget(target: ServiceTarget, options: EnsureOptions = {}) {
  const service = target.split(":")[0] as ServiceName;
  return ensureServices({ ...options, only: [service] });
}

/** True if any recorded service process started at or after `since`. */
function startedSince(cfg: ServicesConfig, since: Date): boolean {
  const ids = [
    "redis",
    "upstash",
    "s3",
    ...Array.from({ length: 5 }, (_, i) => kafkaBrokerId(i + 1)),
    ...Array.from({ length: 9 }, (_, i) => `cassandra-node${i + 1}`),
  ];
  return ids.some((id) => {
    const rec = readPid(cfg.runDir, id);
    return rec !== undefined && new Date(rec.startedAt).getTime() >= since.getTime();
  });
}

/** Records `pid` as a user of the services until it exits or calls down with the same lease. */
export async function leaseServices(options: EnsureOptions & { pid: number }): Promise<void> {
  const cfg = configFrom(options);
  await withLock(cfg, async () => takeLease(cfg.runDir, options.pid));
}

export async function servicesStatus(options: EnsureOptions = {}): Promise<HealthRow[]> {
  const cfg = configFrom(options);
  const wanted = options.only ? [...options.only] : [...SERVICE_NAMES];
  const rows: HealthRow[] = [];
  if (wanted.includes("cassandra")) rows.push(...(await statusCassandra(cfg)));
  if (wanted.includes("kafka")) rows.push(...(await statusKafka(cfg)));
  if (wanted.includes("redis")) rows.push(await statusRedis(cfg));
  if (wanted.includes("upstash")) rows.push(await statusUpstash(cfg));
  if (wanted.includes("s3")) rows.push(await statusS3(cfg));
  return rows;
}

/**
 * One `up`/`down` at a time per machine: ports are machine-wide, so several checkouts and
 * several vitest projects share one set of services and must not start them twice.
 */
async function withLock<T>(cfg: ServicesConfig, fn: () => Promise<T>): Promise<T> {
  mkdirSync(cfg.runDir, { recursive: true });
  const target = join(cfg.runDir, "services");
  const release = await lockfile
    .lock(target, {
      realpath: false,
      // Refreshed every 10 s while held; a holder that died is taken over after a minute.
      stale: 60_000,
      update: 10_000,
      retries: { retries: 1200, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
      onCompromised: (err) => log(`lock compromised: ${err.message}`),
    })
    .catch((err: unknown) => {
      throw new Error(`could not take the services lock at ${target}.lock: ${String(err)}`);
    });
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}
