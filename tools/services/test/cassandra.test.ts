// Smoke: a keyspace replicated over both DCs, written at LOCAL_QUORUM from dc1, read from dc2.
import { randomUUID } from "node:crypto";
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const { Client, types } = cassandra;
const services = inject("services");

function clientFor(dc: string) {
  return new Client({
    contactPoints: services.cassandra.contactPoints,
    protocolOptions: { port: services.cassandra.port },
    localDataCenter: dc,
    socketOptions: { readTimeout: 30_000 },
  });
}

describe("cassandra (two data centers)", () => {
  const [dc1, dc2] = services.cassandra.dataCenters;
  const writer = clientFor(dc1!.name);
  const reader = clientFor(dc2!.name);
  const keyspace = `smoke_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

  beforeAll(async () => {
    await Promise.all([writer.connect(), reader.connect()]);
  });

  afterAll(async () => {
    await writer.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {});
    await Promise.all([writer.shutdown(), reader.shutdown()]);
  });

  it("reports one DC per name with its own hosts", () => {
    expect(services.cassandra.dataCenters.map((d) => d.name)).toEqual(["dc1", "dc2"]);
    expect(dc1!.hosts).not.toEqual(dc2!.hosts);
  });

  it("replicates a LOCAL_QUORUM write in dc1 to a LOCAL_QUORUM read in dc2", async () => {
    await writer.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', '${dc1!.name}': 1, '${dc2!.name}': 1}`,
    );
    await writer.execute(`CREATE TABLE ${keyspace}.kv (k text PRIMARY KEY, v text)`);
    // Schema changes travel by gossip; wait until dc2's coordinator knows the table.
    await expect
      .poll(
        async () =>
          (
            await reader.execute(
              "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'kv'",
              [keyspace],
            )
          ).rowLength,
        { timeout: 60_000 },
      )
      .toBe(1);

    const value = randomUUID();
    await writer.execute(`INSERT INTO ${keyspace}.kv (k, v) VALUES (?, ?)`, ["hello", value], {
      prepare: true,
      consistency: types.consistencies.localQuorum,
    });
    // LOCAL_QUORUM in dc1 does not wait for dc2: its replica receives the write asynchronously,
    // so read in dc2 until it arrives (a lost cross-DC write would time this out).
    const readInDc2 = () =>
      reader.execute(`SELECT v FROM ${keyspace}.kv WHERE k = ?`, ["hello"], {
        prepare: true,
        consistency: types.consistencies.localQuorum,
      });
    await expect
      .poll(async () => (await readInDc2()).first()?.get("v"), { timeout: 60_000, interval: 200 })
      .toBe(value);
    // The read really was coordinated in dc2.
    const rs = await readInDc2();
    expect(dc2!.hosts).toContain(rs.info.queriedHost.split(":")[0]);
  });
});
