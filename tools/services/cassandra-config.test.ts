import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  cassandraJvmArgs,
  cassandraYaml,
  clusterLayout,
  murmur3Token,
  type NodePaths,
  rackdcProperties,
} from "./cassandra-config.ts";
import { parseConfig } from "./config.ts";

const base = parseConfig({ HOME: "/h" }).cassandra;
const paths: NodePaths = {
  dir: "/run/n1",
  data: "/run/n1/data",
  commitlog: "/run/n1/commitlog",
  hints: "/run/n1/hints",
  savedCaches: "/run/n1/saved_caches",
  cdc: "/run/n1/cdc_raw",
  yaml: "/run/n1/cassandra.yaml",
  rackdc: "/run/n1/rackdc.properties",
  logback: "/run/n1/logback.xml",
  log: "/logs/n1.log",
};

describe("murmur3Token", () => {
  it("spreads nodes evenly over the full Murmur3 range", () => {
    expect(murmur3Token(0, 1, 0)).toBe(-(2n ** 63n));
    expect(murmur3Token(1, 2, 0)).toBe(0n);
    expect(murmur3Token(1, 4, 0)).toBe(-(2n ** 62n));
    expect(murmur3Token(3, 4, 0)).toBe(2n ** 62n);
  });

  it("offsets each data center so tokens stay unique", () => {
    expect(murmur3Token(0, 1, 1)).toBe(-(2n ** 63n) + 100n);
    expect(murmur3Token(1, 2, 2) - murmur3Token(1, 2, 0)).toBe(200n);
  });

  it("stays inside the token range", () => {
    const max = 2n ** 63n - 1n;
    for (let n = 1; n <= 9; n++) {
      for (let i = 0; i < n; i++) expect(murmur3Token(i, n, 8) <= max).toBe(true);
    }
  });
});

describe("clusterLayout", () => {
  it("puts dc1 on 127.0.0.1 and dc2 on 127.0.0.2 by default", () => {
    expect(clusterLayout(base)).toEqual([
      {
        name: "node1",
        dc: "dc1",
        rack: "rack1",
        host: "127.0.0.1",
        token: String(-(2n ** 63n)),
        seed: true,
      },
      {
        name: "node2",
        dc: "dc2",
        rack: "rack1",
        host: "127.0.0.2",
        token: String(-(2n ** 63n) + 100n),
        seed: true,
      },
    ]);
  });

  it("starts one seed per DC first, then the other nodes", () => {
    const nodes = clusterLayout({ ...base, dataCenters: 2, nodesPerDc: 2 });
    expect(nodes.map((n) => `${n.name}/${n.dc}/${n.host}/${n.seed}`)).toEqual([
      "node1/dc1/127.0.0.1/true",
      "node3/dc2/127.0.0.3/true",
      "node2/dc1/127.0.0.2/false",
      "node4/dc2/127.0.0.4/false",
    ]);
    expect(new Set(nodes.map((n) => n.token)).size).toBe(4);
  });
});

describe("cassandraYaml", () => {
  const [node] = clusterLayout(base);
  const yaml = parse(cassandraYaml(base, node!, ["127.0.0.1", "127.0.0.2"], paths));

  it("sets the settings a multi-node test cluster needs", () => {
    expect(yaml).toMatchObject({
      cluster_name: "edge-chat",
      num_tokens: 1,
      initial_token: node!.token,
      auto_bootstrap: false,
      auto_snapshot: false,
      partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
      endpoint_snitch: "GossipingPropertyFileSnitch",
      listen_address: "127.0.0.1",
      rpc_address: "127.0.0.1",
      native_transport_port: 9042,
      storage_port: 7000,
      commitlog_sync: "periodic",
      data_file_directories: ["/run/n1/data"],
      commitlog_directory: "/run/n1/commitlog",
      hints_directory: "/run/n1/hints",
      saved_caches_directory: "/run/n1/saved_caches",
      cdc_raw_directory: "/run/n1/cdc_raw",
    });
    expect(yaml.seed_provider[0].parameters[0].seeds).toBe("127.0.0.1:7000,127.0.0.2:7000");
    expect(yaml.commitlog_disk_access_mode).toBeUndefined();
  });

  it("writes the token as a string so YAML cannot round it", () => {
    expect(typeof yaml.initial_token).toBe("string");
  });
});

describe("node files and flags", () => {
  it("writes dc and rack", () => {
    expect(rackdcProperties(clusterLayout(base)[1]!)).toBe("dc=dc2\nrack=rack1\n");
  });

  it("points the JVM at this node's own files and the test speed-ups", () => {
    const args = cassandraJvmArgs(base, paths, "/lib/a.jar:/lib/b.jar");
    expect(args).toContain("-Xmx512M");
    expect(args).toContain("-Dcassandra.config=file:///run/n1/cassandra.yaml");
    expect(args).toContain("-Dcassandra-rackdc.properties=file:///run/n1/rackdc.properties");
    expect(args).toContain("-Dcassandra-foreground=yes");
    expect(args).toContain("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    expect(args).toContain("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    expect(args.slice(-3)).toEqual([
      "-cp",
      "/lib/a.jar:/lib/b.jar",
      "org.apache.cassandra.service.CassandraDaemon",
    ]);
  });
});
