// Cassandra cluster on 127.0.0.N: writes each node's config, starts seeds first and one node at a
// time, waits for the CQL log line and a real CQL query, and reports per-node health.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import cassandra from "cassandra-driver";
import {
  type CassandraNode,
  cassandraJvmArgs,
  cassandraYaml,
  clusterLayout,
  logbackXml,
  type NodePaths,
  rackdcProperties,
} from "../cassandra-config.ts";
import type { ServicesConfig } from "../config.ts";
import { cassandraArtifacts, log, mavenClasspath, requireTool } from "../install.ts";
import {
  isRunning,
  logSize,
  readPid,
  ServiceError,
  startDetached,
  stopProcess,
  waitReady,
} from "../process.ts";
import type { CassandraEndpoint, HealthRow } from "../types.ts";

const START_TIMEOUT_MS = 5 * 60_000;

function nodeId(node: CassandraNode): string {
  return `cassandra-${node.name}`;
}

function nodePaths(cfg: ServicesConfig, node: CassandraNode): NodePaths {
  const dir = join(cfg.runDir, "cassandra", node.name);
  return {
    dir,
    data: join(dir, "data"),
    commitlog: join(dir, "commitlog"),
    hints: join(dir, "hints"),
    savedCaches: join(dir, "saved_caches"),
    cdc: join(dir, "cdc_raw"),
    yaml: join(dir, "cassandra.yaml"),
    rackdc: join(dir, "cassandra-rackdc.properties"),
    logback: join(dir, "logback.xml"),
    log: join(cfg.logDir, `cassandra-${node.name}.log`),
  };
}

export function cassandraEndpoint(cfg: ServicesConfig): CassandraEndpoint {
  const nodes = clusterLayout(cfg.cassandra);
  const dcs = [...new Set(nodes.map((n) => n.dc))].sort();
  return {
    contactPoints: nodes.map((n) => n.host),
    port: cfg.cassandra.port,
    dataCenters: dcs.map((name) => ({
      name,
      hosts: nodes.filter((n) => n.dc === name).map((n) => n.host),
    })),
  };
}

/** A real CQL round trip against exactly this node. */
export async function cqlPing(cfg: ServicesConfig, node: CassandraNode): Promise<boolean> {
  const { Client, policies } = cassandra;
  const client = new Client({
    contactPoints: [node.host],
    protocolOptions: { port: cfg.cassandra.port },
    localDataCenter: node.dc,
    policies: {
      loadBalancing: new policies.loadBalancing.AllowListPolicy(
        new policies.loadBalancing.DCAwareRoundRobinPolicy(node.dc),
        [`${node.host}:${cfg.cassandra.port}`],
      ),
    },
    socketOptions: { connectTimeout: 5000, readTimeout: 10_000 },
  });
  try {
    await client.connect();
    const rs = await client.execute("SELECT data_center FROM system.local");
    return rs.first()?.get("data_center") === node.dc;
  } catch {
    return false;
  } finally {
    await client.shutdown().catch(() => {});
  }
}

/**
 * Another layout (more DCs or nodes) of a running cluster cannot be changed in place: say so
 * instead of silently handing tests a topology they did not ask for.
 */
function assertSameLayout(cfg: ServicesConfig, nodes: CassandraNode[]): void {
  const file = join(cfg.runDir, "cassandra", "layout.json");
  const wanted = JSON.stringify(nodes.map((n) => [n.name, n.dc, n.host, n.token]));
  if (!existsSync(file)) return;
  const running = readFileSync(file, "utf8");
  const anyRunning = readRunningNodes(cfg).length > 0;
  if (running !== wanted && anyRunning) {
    throw new ServiceError(
      "cassandra",
      "SERVICE_CONFLICT",
      "a Cassandra cluster with another layout (data centers / nodes per DC) is running; " +
        "run `npm run services -- down --only cassandra` first",
    );
  }
}

function readRunningNodes(cfg: ServicesConfig): string[] {
  const dir = join(cfg.runDir, "pids");
  if (!existsSync(dir)) return [];
  return ["node1", "node2", "node3", "node4", "node5", "node6", "node7", "node8", "node9"].filter(
    (n) => isRunning(readPid(cfg.runDir, `cassandra-${n}`)),
  );
}

export async function upCassandra(cfg: ServicesConfig): Promise<CassandraEndpoint> {
  const nodes = clusterLayout(cfg.cassandra);
  assertSameLayout(cfg, nodes);
  const seeds = nodes.filter((n) => n.seed).map((n) => n.host);
  let classpath: string | undefined;
  for (const node of nodes) {
    const id = nodeId(node);
    const existing = readPid(cfg.runDir, id);
    if (isRunning(existing) && (await cqlPing(cfg, node))) continue;
    if (isRunning(existing)) {
      // Running but not answering: maybe still starting (another process is bringing it up).
      await waitReady({
        service: "cassandra",
        rec: existing!,
        timeoutMs: START_TIMEOUT_MS,
        check: () => cqlPing(cfg, node),
        what: `Cassandra ${node.name} (${node.host}, ${node.dc})`,
      });
      continue;
    }
    requireTool(
      "cassandra",
      cfg.tools.java,
      ["-version"],
      "apt-get install openjdk-17-jre-headless",
    );
    classpath ??= await mavenClasspath(
      cfg,
      "cassandra",
      `cassandra-${cfg.cassandra.version}`,
      cassandraArtifacts(cfg.cassandra.version),
    );
    const p = nodePaths(cfg, node);
    prepareNodeDir(cfg, node, p, seeds);
    log(`starting Cassandra ${node.name} on ${node.host}:${cfg.cassandra.port} (${node.dc})`);
    const from = logSize(p.log);
    const rec = startDetached(cfg.runDir, {
      id,
      command: cfg.tools.java,
      args: cassandraJvmArgs(cfg.cassandra, p, classpath),
      log: p.log,
      marker: `-Dcassandra.config=file://${p.yaml}`,
    });
    await waitReady({
      service: "cassandra",
      rec,
      started: { runDir: cfg.runDir, id: id },
      timeoutMs: START_TIMEOUT_MS,
      logLine: "Starting listening for CQL clients",
      fromByte: from,
      check: () => cqlPing(cfg, node),
      what: `Cassandra ${node.name} (${node.host}, ${node.dc})`,
    });
  }
  writeFileSync(
    join(cfg.runDir, "cassandra", "layout.json"),
    JSON.stringify(nodes.map((n) => [n.name, n.dc, n.host, n.token])),
  );
  return cassandraEndpoint(cfg);
}

function prepareNodeDir(
  cfg: ServicesConfig,
  node: CassandraNode,
  p: NodePaths,
  seeds: string[],
): void {
  // A node that changes data center or token must start from empty data, or it refuses to start.
  const identity = `${node.dc}/${node.rack}/${node.token}/${cfg.cassandra.clusterName}`;
  const identityFile = join(p.dir, "identity");
  if (existsSync(identityFile) && readFileSync(identityFile, "utf8") !== identity) {
    log(`Cassandra ${node.name} changed identity: wiping its data`);
    for (const d of [p.data, p.commitlog, p.hints, p.savedCaches, p.cdc]) {
      rmSync(d, { recursive: true, force: true });
    }
  }
  for (const d of [p.dir, p.data, p.commitlog, p.hints, p.savedCaches, p.cdc, cfg.logDir]) {
    mkdirSync(d, { recursive: true });
  }
  writeFileSync(identityFile, identity);
  writeFileSync(p.yaml, cassandraYaml(cfg.cassandra, node, seeds, p));
  writeFileSync(p.rackdc, rackdcProperties(node));
  writeFileSync(p.logback, logbackXml());
}

export async function downCassandra(cfg: ServicesConfig): Promise<string[]> {
  const stopped: string[] = [];
  // Stop every node we have a pid file for, not only the current layout's, in reverse start order.
  const names = ["node9", "node8", "node7", "node6", "node5", "node4", "node3", "node2", "node1"];
  for (const n of names) {
    if (await stopProcess(cfg.runDir, `cassandra-${n}`)) stopped.push(`cassandra ${n}`);
  }
  return stopped;
}

/** Stops one node (fault injection: "one Cassandra node down"); the rest keep running. */
export async function downCassandraNode(cfg: ServicesConfig, name: string): Promise<string[]> {
  if (!clusterLayout(cfg.cassandra).some((node) => node.name === name)) {
    throw new ServiceError("cassandra", "SERVICE_CONFLICT", `no Cassandra ${name} in this layout`);
  }
  return (await stopProcess(cfg.runDir, `cassandra-${name}`)) ? [`cassandra ${name}`] : [];
}

export async function statusCassandra(cfg: ServicesConfig): Promise<HealthRow[]> {
  const rows: HealthRow[] = [];
  for (const node of clusterLayout(cfg.cassandra)) {
    const rec = readPid(cfg.runDir, nodeId(node));
    const running = isRunning(rec);
    const healthy = running && (await cqlPing(cfg, node));
    rows.push({
      service: `cassandra ${node.name} ${node.dc}`,
      address: `${node.host}:${cfg.cassandra.port}`,
      state: healthy ? "healthy" : running ? "unhealthy" : "stopped",
      pid: running ? rec!.pid : undefined,
      log: nodePaths(cfg, node).log,
    });
  }
  return rows;
}
