// `npm run services -- up|down|status|lease [--only a,b] [--regions N] [--cassandra-dcs N] [--cassandra-nodes-per-dc N] [--kafka-brokers N]`
import { parseArgs } from "node:util";
import { parseServiceList } from "./config.ts";
import {
  configFrom,
  endpointsFor,
  ensureServices,
  leaseServices,
  parseTarget,
  pauseTarget,
  servicesStatus,
  startTarget,
  stopServices,
  stopTarget,
} from "./ensure.ts";
import { ignoreKafkajsTimerWarning } from "./services/kafka.ts";
import type { HealthRow } from "./types.ts";

ignoreKafkajsTimerWarning();

const USAGE = `usage: npm run services -- <up|down|status|lease> [options]
       npm run services -- <stop|start|pause|resume> <service | cassandra:nodeN | kafka:brokerN>
  --only cassandra,kafka,redis,upstash,s3   choose services (default: all; upstash implies redis)
  --regions N                               one Cassandra data center per region (dc1..dcN, for
                                            eu-west, us-east, ap-southeast): --cassandra-dcs N
  --cassandra-dcs N                         data centers (default 2, env EDGE_CHAT_CASSANDRA_DCS)
  --cassandra-nodes-per-dc N                nodes per DC (default 1, env EDGE_CHAT_CASSANDRA_NODES_PER_DC)
  --kafka-brokers N                         KRaft brokers (default 1, env EDGE_CHAT_KAFKA_BROKERS); 3:
                                            RF 3, min.insync.replicas 2 (use a fresh run dir)
  --since ISO-TIME                          down: only if something was started at/after this time
  --lease PID                               lease: record PID as a user; down: release it first and
                                            stop nothing while other lease holders still run
  --json                                    up/status: print JSON
See tools/services/README.md for every environment variable.`;

function printRows(rows: HealthRow[]): void {
  const w = (k: keyof HealthRow) =>
    Math.max(...rows.map((r) => String(r[k] ?? "").length), k.length);
  const cols: (keyof HealthRow)[] = ["service", "address", "state", "pid", "log"];
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w(cols[i]!))).join("  ");
  console.log(line(cols.map(String)));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c] ?? "-"))));
}

/** `--regions N` is `--cassandra-dcs N` said the way `npm start` thinks of it; not both. */
function dataCenters(regions: string | undefined, dcs: string | undefined): number | undefined {
  if (regions !== undefined && dcs !== undefined && regions !== dcs) {
    throw new Error("--regions and --cassandra-dcs disagree; give one of them");
  }
  const value = regions ?? dcs;
  return value === undefined ? undefined : Number(value);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      only: { type: "string" },
      regions: { type: "string" },
      "cassandra-dcs": { type: "string" },
      "cassandra-nodes-per-dc": { type: "string" },
      "kafka-brokers": { type: "string" },
      since: { type: "string" },
      lease: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const options = {
    only: values.only === undefined ? undefined : parseServiceList(values.only),
    cassandraDcs: dataCenters(values.regions, values["cassandra-dcs"]),
    cassandraNodesPerDc:
      values["cassandra-nodes-per-dc"] === undefined
        ? undefined
        : Number(values["cassandra-nodes-per-dc"]),
    kafkaBrokers:
      values["kafka-brokers"] === undefined ? undefined : Number(values["kafka-brokers"]),
  };
  const leasePid = values.lease === undefined ? undefined : Number(values.lease);
  if (leasePid !== undefined && !(Number.isInteger(leasePid) && leasePid > 0)) {
    throw new Error(`--lease: not a pid: ${values.lease}`);
  }
  switch (command) {
    case "lease": {
      if (leasePid === undefined) throw new Error("lease needs --lease PID");
      await leaseServices({ ...options, pid: leasePid });
      return 0;
    }
    case "up": {
      const started = Date.now();
      const endpoints = await ensureServices(options);
      const rows = await servicesStatus(options);
      if (values.json) {
        console.log(JSON.stringify(endpoints, null, 2));
      } else {
        printRows(rows);
        console.log(
          `ready in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${configFrom(options).logDir}`,
        );
      }
      return rows.every((r) => r.state === "healthy") ? 0 : 1;
    }
    case "status": {
      const rows = await servicesStatus(options);
      if (values.json) {
        console.log(
          JSON.stringify({ endpoints: endpointsFor(configFrom(options)), services: rows }, null, 2),
        );
      } else {
        printRows(rows);
      }
      return rows.every((r) => r.state === "healthy") ? 0 : 1;
    }
    case "down": {
      const since = values.since === undefined ? undefined : new Date(values.since);
      if (since && Number.isNaN(since.getTime()))
        throw new Error(`--since: not a date: ${values.since}`);
      const stopped = await stopServices({ ...options, startedSince: since, leasePid });
      console.log(stopped.length > 0 ? `stopped: ${stopped.join(", ")}` : "nothing to stop");
      return 0;
    }
    case "stop": {
      const stopped = await stopTarget(parseTarget(positionals[1] ?? ""), options);
      console.log(stopped.length > 0 ? `stopped: ${stopped.join(", ")}` : "nothing to stop");
      return 0;
    }
    case "pause":
    case "resume": {
      const target = parseTarget(positionals[1] ?? "");
      const done = pauseTarget(target, command === "pause", options);
      console.log(done ? `${command}d: ${target}` : `${target} is not running`);
      return done ? 0 : 1;
    }
    case "start": {
      const target = parseTarget(positionals[1] ?? "");
      await startTarget(target, options);
      printRows(await servicesStatus(options));
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(
      err instanceof Error
        ? err.stack && process.env.DEBUG
          ? err.stack
          : err.message
        : String(err),
    );
    process.exit(1);
  },
);
