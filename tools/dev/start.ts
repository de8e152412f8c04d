// `npm start`: the whole system on one machine with embedded defaults — three simulated regions of
// region-core (each with its in-process event log, all storing through one shared embedded store,
// as the datacenters of one Cassandra cluster would; no Java) and the edge Worker under
// `wrangler dev`.
// A fresh Ed25519 key pair per run signs the edge's service tokens; only its public half reaches
// the regions, so no private key is ever committed. Every child is supervised: one that crashes is
// restarted with backoff while the rest keep running.
import { type ChildProcess, spawn } from "node:child_process";
import { createECDH, generateKeyPairSync, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { localRegionCatalog } from "@edge-chat/geo-router";
import { startSharedStore } from "@edge-chat/region-core";
import { onChildExit } from "./supervisor.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const edgePort = Number(process.env.EDGE_PORT ?? 8787);
const regions = [
  { id: "eu-west", port: Number(process.env.EU_WEST_PORT ?? 8788) },
  { id: "us-east", port: Number(process.env.US_EAST_PORT ?? 8789) },
  { id: "ap-southeast", port: Number(process.env.AP_SOUTHEAST_PORT ?? 8790) },
].slice(0, regionCount());
const collectorPort = Number(process.env.COLLECTOR_PORT ?? 8791);

// Three regions embedded; with the real services two unless asked, since the harness's default
// Cassandra has two datacenters (`npm run services -- up --regions 3` makes the third).
function regionCount(): 2 | 3 {
  const asked = process.env.REGION_COUNT;
  if (asked === "2" || asked === "3") return Number(asked) as 2 | 3;
  return process.env.ADAPTERS === "real" ? 2 : 3;
}

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const kid = `dev-${randomUUID()}`;
const signingKey = { ...privateKey.export({ format: "jwk" }), kid, alg: "EdDSA" };
const verifyKeys = { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "EdDSA" }] };
const catalog = localRegionCatalog({
  euWestPort: regions[0]!.port,
  usEastPort: regions[1]!.port,
  ...(regions[2] ? { apSoutheastPort: regions[2].port } : {}),
});

const children = new Set<ChildProcess>();
let stopping = false;

/**
 * Runs a child and keeps it running: when it exits on its own it is restarted with backoff (see
 * supervisor.ts), so a crashed region comes back and the others, the edge included, keep going.
 */
function run(label: string, args: string[], env: Record<string, string> = {}): void {
  let quickCrashes = 0;
  const launch = () => {
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = "";
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) console.log(`[${label}] ${line}`);
      });
    }
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (stopping) return;
      const uptimeMs = Date.now() - started;
      const how = `exited (${signal ?? `code ${code}`}) after ${(uptimeMs / 1000).toFixed(1)} s`;
      const decision = onChildExit(quickCrashes, uptimeMs);
      quickCrashes = decision.quickCrashes;
      if (decision.action === "give_up") {
        console.error(
          `[${label}] ${how}; ${quickCrashes} quick crashes in a row, giving up: stopping everything`,
        );
        stop(1);
        return;
      }
      console.error(
        `[${label}] ${how}; restarting in ${decision.delayMs} ms (quick crashes in a row: ${quickCrashes})`,
      );
      setTimeout(() => {
        if (!stopping) launch();
      }, decision.delayMs);
    });
    children.add(child);
  };
  launch();
}

function stop(exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(exitCode), 3000).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

// The demo page is served by the Worker as static assets; build it first when the SDK has a build.
if (existsSync(`${root}/client/demo/app.ts`)) {
  const build = spawn("npm", ["run", "build:demo", "-w", "client"], {
    cwd: root,
    stdio: "inherit",
  });
  await new Promise((resolve) => build.on("exit", resolve));
}

// Media: the embedded object store (region-core/src/media/store-server) serves every region, as
// one bucket would; MEDIA_STORE=s3 uses the harness's versitygw (npm run services -- up) instead.
const mediaStorePort = Number(process.env.MEDIA_STORE_PORT ?? 8792);
const embeddedStore = (process.env.MEDIA_STORE ?? "embedded") === "embedded";
const mediaStoreUrl = `http://127.0.0.1:${embeddedStore ? mediaStorePort : 19000}`;
if (embeddedStore) {
  run("media-store", ["region-core/src/media/store-server/main.ts"], {
    MEDIA_STORE_PORT: String(mediaStorePort),
  });
}
// Downloads go through a local CDN, as CloudFront fronts the bucket in production: a caching proxy
// that checks the regions' signed URLs itself and reads each object from the store once.
const mediaCachePort = Number(process.env.MEDIA_CACHE_PORT ?? 8793);
run("media-cdn", ["region-core/src/media/cdn-cache/main.ts"], {
  MEDIA_CACHE_PORT: String(mediaCachePort),
  MEDIA_CACHE_ORIGIN: mediaStoreUrl,
});
const mediaEnv = {
  S3_ENDPOINT: mediaStoreUrl,
  S3_DOWNLOAD_ENDPOINT: `http://127.0.0.1:${mediaCachePort}`,
};
// A VAPID key pair per run for Web Push (the demo's subscriptions are re-made when it changes).
const vapid = createECDH("prime256v1");
vapid.generateKeys();
const vapidEnv = {
  VAPID_PUBLIC_KEY: vapid.getPublicKey().toString("base64url"),
  VAPID_PRIVATE_KEY: Buffer.concat([Buffer.alloc(32), vapid.getPrivateKey()])
    .subarray(-32)
    .toString("base64url"),
  VAPID_SUBJECT: "mailto:dev@edge-chat.invalid",
};

const adapters = process.env.ADAPTERS ?? "embedded";
// Embedded: one store shared by every region (in this process), so what one region persisted every
// region serves; EMBEDDED_REPLICATION_DELAY_MS delays what the other regions see, as a real
// cross-datacenter replication would.
const store =
  adapters === "real"
    ? null
    : await startSharedStore({
        regions: regions.map((r) => r.id),
        port: Number(process.env.EMBEDDED_STORE_PORT ?? 0),
        replicationDelayMs: Number(process.env.EMBEDDED_REPLICATION_DELAY_MS ?? 0),
      });
for (const [index, region] of regions.entries()) {
  run(region.id, ["region-core/src/main.ts"], {
    REGION_ID: region.id,
    PORT: String(region.port),
    ADAPTERS: adapters,
    SERVICE_JWKS: JSON.stringify(verifyKeys),
    ...mediaEnv,
    ...vapidEnv,
    // With the real services, each simulated region writes through its own Cassandra datacenter and,
    // as separate Kafka clusters would, its own topic.
    ...(store ? { EMBEDDED_STORE_URL: store.url } : {}),
    ...(adapters === "real"
      ? {
          CASSANDRA_LOCAL_DC: `dc${index + 1}`,
          // One datacenter per region (`npm run services -- up --regions 3` makes dc1..dc3).
          CASSANDRA_REPLICATION:
            process.env.CASSANDRA_REPLICATION ?? regions.map((_, i) => `dc${i + 1}:1`).join(","),
          KAFKA_TOPIC: `edge-chat.events.${region.id}`,
          KAFKA_DLQ_TOPIC: `edge-chat.events.${region.id}.dlq`,
          PUSH_TOPIC: `edge-chat.push.${region.id}`,
          PUSH_DLQ_TOPIC: `edge-chat.push.${region.id}.dlq`,
        }
      : {}),
  });
}

// The metrics collector scrapes the regions and takes the edge's points; it serves /dashboard.
run("metrics", ["tools/metrics/main.ts"], {
  COLLECTOR_PORT: String(collectorPort),
  COLLECTOR_REGIONS: JSON.stringify(
    regions.map((r) => ({ id: r.id, url: `http://127.0.0.1:${r.port}` })),
  ),
});

run(
  "edge",
  [
    "node_modules/wrangler/bin/wrangler.js",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(edgePort),
    "--var",
    `SERVICE_SIGNING_KEY:${JSON.stringify(signingKey)}`,
    "--var",
    `REGIONS:${JSON.stringify(catalog)}`,
    "--var",
    `METRICS_COLLECTOR_URL:http://127.0.0.1:${collectorPort}`,
    // The Durable Objects' storage: wrangler's .wrangler/state unless given (tests give their own,
    // since a second edge on the same files would run this one's alarms against its own regions).
    ...(process.env.EDGE_STATE_DIR ? ["--persist-to", process.env.EDGE_STATE_DIR] : []),
  ],
  {
    // Offline there is no Request.cf data to fetch; Miniflare's placeholder is used without the noise,
    // and the geo-router falls back to its default region.
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  },
);

console.log(
  `edge-chat: edge on http://127.0.0.1:${edgePort} (demo at /), regions ${regions
    .map((r) => `${r.id} on :${r.port}`)
    .join(
      ", ",
    )}, dashboard on http://127.0.0.1:${collectorPort}/dashboard. Ctrl-C stops everything.`,
);
