// The local metrics collector that `npm start` runs: scrapes every region's /metrics (the same
// Prometheus text production scrapes), takes the edge's latency points (POST /v1/points; Analytics
// Engine's role in production) into histograms of its own, keeps an hour of snapshots in memory,
// and serves the dashboard (/dashboard) with the JSON queries it draws from (/api/…).
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { EdgeMetricBatch, EdgeStage } from "@edge-chat/protocol";
import { Histogram, Registry } from "prom-client";
import { PANELS } from "./panels.ts";
import { parsePromText } from "./prom-text.ts";
import { type Query, SeriesStore } from "./series.ts";

export interface CollectorOptions {
  host?: string;
  port: number;
  /** Regions to scrape: id and base URL (their /metrics is scraped). */
  regions: { id: string; url: string }[];
  scrapeIntervalMs?: number;
  /** Snapshots kept (an hour at the default 5 s interval). */
  capacity?: number;
}

export interface RunningCollector {
  url: string;
  store: SeriesStore;
  /** Takes one snapshot now (tests use it instead of waiting for the interval). */
  scrape(): Promise<void>;
  stop(): Promise<void>;
}

const EDGE_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
const MAX_BODY_BYTES = 64 * 1024;
const require = createRequire(import.meta.url);
const dashboardDir = new URL("./dashboard/", import.meta.url);
const uplotDir = require
  .resolve("uplot/dist/uPlot.iife.min.js")
  .replace(/uPlot\.iife\.min\.js$/, "");

function edgeRegistry() {
  const registry = new Registry();
  // The edge appears beside the regions in the dashboard's selector.
  registry.setDefaultLabels({ region: "edge" });
  const histograms = new Map(
    EdgeStage.options.map((stage) => [
      stage,
      new Histogram({
        name: `edge_${stage}_seconds`,
        help: `Edge ${stage.replaceAll("_", " ")} (from the Worker's data points).`,
        labelNames: ["target", "outcome"],
        buckets: EDGE_BUCKETS,
        registers: [registry],
      }),
    ]),
  );
  return { registry, histograms };
}

const STATIC: Record<string, [URL | string, string]> = {
  "/dashboard": [new URL("index.html", dashboardDir), "text/html; charset=utf-8"],
  "/dashboard/dashboard.js": [new URL("dashboard.js", dashboardDir), "text/javascript"],
  "/dashboard/dashboard.css": [new URL("dashboard.css", dashboardDir), "text/css"],
  "/dashboard/uPlot.iife.min.js": [`${uplotDir}uPlot.iife.min.js`, "text/javascript"],
  "/dashboard/uPlot.min.css": [`${uplotDir}uPlot.min.css`, "text/css"],
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error("too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function queryOf(url: URL): Query {
  const range = Math.min(Math.max(Number(url.searchParams.get("range") ?? 900), 10), 86_400);
  const where: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith("where.")) where[key.slice(6)] = value;
  }
  return {
    metric: url.searchParams.get("metric") ?? "",
    where,
    by: (url.searchParams.get("by") ?? "region").split(",").filter(Boolean),
    since: Date.now() - range * 1000,
  };
}

export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const store = new SeriesStore(options.capacity ?? 720);
  const edge = edgeRegistry();

  const scrape = async () => {
    const texts = await Promise.all([
      edge.registry.metrics(),
      ...options.regions.map(async (region) => {
        try {
          const res = await fetch(`${region.url}/metrics`, { signal: AbortSignal.timeout(2000) });
          return res.ok ? await res.text() : "";
        } catch {
          return ""; // A region that is down simply has no samples in this snapshot.
        }
      }),
    ]);
    store.add({ t: Date.now(), samples: texts.flatMap(parsePromText) });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://collector");
    if (req.method === "POST" && url.pathname === "/v1/points") {
      const parsed = EdgeMetricBatch.safeParse(await readBody(req).then(JSON.parse, () => null));
      if (!parsed.success) {
        return json(res, 400, {
          error: { code: "invalid_request", message: "not an EdgeMetricBatch", retriable: false },
        });
      }
      for (const point of parsed.data.points) {
        edge.histograms
          .get(point.stage)
          ?.observe(
            { target: point.region ?? "", outcome: point.outcome ?? "ok" },
            point.ms / 1000,
          );
      }
      res.writeHead(204).end();
      return;
    }
    if (req.method !== "GET")
      return json(res, 405, {
        error: { code: "invalid_request", message: "method not allowed", retriable: false },
      });
    if (url.pathname === "/") {
      res.writeHead(302, { location: "/dashboard" }).end();
      return;
    }
    if (url.pathname === "/metrics") {
      res.writeHead(200, { "content-type": edge.registry.contentType });
      res.end(await edge.registry.metrics());
      return;
    }
    if (url.pathname === "/api/panels") return json(res, 200, { panels: PANELS });
    if (url.pathname === "/api/regions")
      return json(res, 200, { regions: store.labelValues("region") });
    if (url.pathname === "/api/quantiles")
      return json(res, 200, { series: store.quantiles(queryOf(url)) });
    if (url.pathname === "/api/rates") return json(res, 200, { series: store.rates(queryOf(url)) });
    if (url.pathname === "/api/gauges")
      return json(res, 200, { series: store.gauges(queryOf(url)) });
    const file = STATIC[url.pathname];
    if (file) {
      res.writeHead(200, { "content-type": file[1] });
      res.end(await readFile(file[0]));
      return;
    }
    json(res, 404, { error: { code: "not_found", message: "no such route", retriable: false } });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("collector: request failed", error);
      if (!res.headersSent)
        json(res, 500, { error: { code: "internal", message: "internal error", retriable: true } });
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port, options.host ?? "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;
  await scrape();
  const timer = setInterval(() => void scrape(), options.scrapeIntervalMs ?? 5000);

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    store,
    scrape,
    stop: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
