// Pure Cassandra cluster layout: which node lives where, its token, and the text of its
// cassandra.yaml, rackdc properties, logback config and JVM arguments. No I/O here.
import { stringify } from "yaml";
import type { CassandraConfig } from "./config.ts";

export interface CassandraNode {
  /** node1, node2, ... in start order (seeds first within each DC). */
  name: string;
  dc: string;
  rack: string;
  host: string;
  /** Single token (num_tokens: 1), balanced within the DC and offset per DC as ccm does. */
  token: string;
  seed: boolean;
}

const MIN_TOKEN = -(2n ** 63n);
const RING = 2n ** 64n;

/** Balanced Murmur3 token for node `index` of `count` in data center number `dcIndex`. */
export function murmur3Token(index: number, count: number, dcIndex: number): bigint {
  // Each DC gets its own evenly spread ring; the small per-DC offset keeps tokens unique cluster-wide.
  return MIN_TOKEN + (BigInt(index) * RING) / BigInt(count) + BigInt(dcIndex) * 100n;
}

export function clusterLayout(c: CassandraConfig): CassandraNode[] {
  const nodes: CassandraNode[] = [];
  for (let d = 0; d < c.dataCenters; d++) {
    for (let i = 0; i < c.nodesPerDc; i++) {
      const n = d * c.nodesPerDc + i + 1;
      nodes.push({
        name: `node${n}`,
        dc: `dc${d + 1}`,
        rack: "rack1",
        host: `${c.addressPrefix}${n}`,
        token: murmur3Token(i, c.nodesPerDc, d).toString(),
        seed: i === 0,
      });
    }
  }
  // Seeds (first node of each DC) start first, one at a time, then the rest.
  return [...nodes.filter((n) => n.seed), ...nodes.filter((n) => !n.seed)];
}

export interface NodePaths {
  dir: string;
  data: string;
  commitlog: string;
  hints: string;
  savedCaches: string;
  cdc: string;
  yaml: string;
  rackdc: string;
  logback: string;
  log: string;
}

export function cassandraYaml(
  c: CassandraConfig,
  node: CassandraNode,
  seeds: string[],
  p: NodePaths,
): string {
  const config = {
    cluster_name: c.clusterName,
    num_tokens: 1,
    initial_token: node.token,
    // A fresh test cluster: nothing to stream, so nodes join immediately.
    auto_bootstrap: false,
    partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
    endpoint_snitch: "GossipingPropertyFileSnitch",
    seed_provider: [
      {
        class_name: "org.apache.cassandra.locator.SimpleSeedProvider",
        parameters: [{ seeds: seeds.map((s) => `${s}:${c.storagePort}`).join(",") }],
      },
    ],
    listen_address: node.host,
    rpc_address: node.host,
    storage_port: c.storagePort,
    native_transport_port: c.port,
    start_native_transport: true,
    data_file_directories: [p.data],
    commitlog_directory: p.commitlog,
    hints_directory: p.hints,
    saved_caches_directory: p.savedCaches,
    cdc_raw_directory: p.cdc,
    commitlog_sync: "periodic",
    commitlog_sync_period: "10000ms",
    commitlog_segment_size: "8MiB",
    authenticator: "AllowAllAuthenticator",
    authorizer: "AllowAllAuthorizer",
    // Tests drop keyspaces and tables all the time; snapshots would only fill the disk.
    auto_snapshot: false,
    snapshot_on_duplicate_row_detection: false,
    // Small caches and pools: several nodes share a 2-core machine with other work.
    key_cache_size: "8MiB",
    counter_cache_size: "0MiB",
    file_cache_size: "32MiB",
    networking_cache_size: "16MiB",
    memtable_heap_space: "64MiB",
    memtable_offheap_space: "64MiB",
    concurrent_reads: 8,
    concurrent_writes: 8,
    concurrent_counter_writes: 4,
    concurrent_materialized_view_writes: 4,
    concurrent_compactors: 1,
    native_transport_max_threads: 32,
    compaction_throughput: "0MiB/s",
    hinted_handoff_enabled: true,
    materialized_views_enabled: true,
    sasi_indexes_enabled: true,
    // Generous request timeouts: a noisy shared machine must not fail tests with timeouts.
    read_request_timeout: "10000ms",
    write_request_timeout: "10000ms",
    range_request_timeout: "20000ms",
    request_timeout: "20000ms",
    truncate_request_timeout: "60000ms",
  };
  return stringify(config, { lineWidth: 0 });
}

export function rackdcProperties(node: CassandraNode): string {
  return `dc=${node.dc}\nrack=${node.rack}\n`;
}

/** Logback config: everything at INFO to stdout, which the launcher sends to the node's log file. */
export function logbackXml(): string {
  return `<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.apache.cassandra" level="INFO"/>
  <logger name="com.thinkaurelius.thrift" level="ERROR"/>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`;
}

/** JVM flags from Cassandra's jvm-server.options and jvm17-server.options, trimmed for tests. */
export const JVM17_FLAGS: readonly string[] = [
  "-XX:+UseG1GC",
  "-XX:+ParallelRefProcEnabled",
  "-XX:MaxTenuringThreshold=1",
  "-XX:G1RSetUpdatingPauseTimePercent=5",
  "-XX:MaxGCPauseMillis=300",
  "-XX:InitiatingHeapOccupancyPercent=70",
  "-Djdk.attach.allowAttachSelf=true",
  "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
  "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
  "--add-exports=java.sql/java.sql=ALL-UNNAMED",
  "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
  "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
  "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
  "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
  "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
  "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
  "--add-opens=java.base/java.lang=ALL-UNNAMED",
  "--add-opens=java.base/java.util=ALL-UNNAMED",
  "-Dio.netty.tryReflectionSetAccessible=true",
  "-Dio.netty.allocator.useCacheForAllThreads=true",
  "-Dio.netty.allocator.maxOrder=11",
  "-da:net.openhft...",
  "-XX:+UseThreadPriorities",
  "-Xss256k",
  "-XX:+PerfDisableSharedMem",
  "-Djava.net.preferIPv4Stack=true",
];

/** Test-only start-up speed-ups (no gossip settling wait, no superuser delay, unsynced system). */
export const TEST_SPEEDUP_FLAGS: readonly string[] = [
  "-Dcassandra.skip_wait_for_gossip_to_settle=0",
  "-Dcassandra.superuser_setup_delay_ms=0",
  "-Dcassandra.unsafesystem=true",
  "-Dcassandra.skip_sync=true",
  // On restart a seed gossips with the other seeds first and waits RING_DELAY (30 s) when they
  // are still down (they start after it); a test cluster need not wait that long.
  "-Dcassandra.ring_delay_ms=5000",
];

export function cassandraJvmArgs(c: CassandraConfig, p: NodePaths, classpath: string): string[] {
  return [
    `-Xms${c.heap}`,
    `-Xmx${c.heap}`,
    // Bounds Netty and chunk-cache direct buffers so a node's footprint stays predictable.
    "-XX:MaxDirectMemorySize=256M",
    "-XX:+ExitOnOutOfMemoryError",
    ...JVM17_FLAGS,
    ...TEST_SPEEDUP_FLAGS,
    `-Dcassandra.config=file://${p.yaml}`,
    `-Dcassandra-rackdc.properties=file://${p.rackdc}`,
    "-Dcassandra-foreground=yes",
    `-Dcassandra.logdir=${p.dir}`,
    `-Dcassandra.storagedir=${p.dir}`,
    `-Dcassandra.triggers_dir=${p.dir}/triggers`,
    `-Dlogback.configurationFile=file://${p.logback}`,
    "-cp",
    classpath,
    "org.apache.cassandra.service.CassandraDaemon",
  ];
}
