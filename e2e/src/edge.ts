// The edge Worker (the repository's root wrangler.toml) in workerd, started from Node with
// wrangler's `unstable_startWorker` on a random loopback port, with the settings of one run passed
// as bindings: the region catalog, the service signing key, the window size and rate limits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { localRegionCatalog } from "@edge-chat/geo-router";
import type { JWK } from "jose";
import { startWorkerDirect } from "./direct-worker.ts";

const CONFIG = fileURLToPath(new URL("../../wrangler.toml", import.meta.url));

export interface EdgeOptions {
  /** Base URLs of the regions, nearest first: [eu-west, us-east]; empty for no flushing. */
  regions: readonly string[];
  signingKey: JWK;
  /** Other vars of wrangler.toml to override (WINDOW_SIZE, REGION_OUTBOX_MAX_AGE_MS, …). */
  vars?: Record<string, string>;
  /** Listen port (default: a random one); fixed, so a restarted edge comes back at the same URL. */
  port?: number;
  /**
   * Directory for the Durable Objects' storage, owned by the caller (a restarted edge passes the
   * same one). Default: a fresh directory of this edge's own, removed on dispose. Never wrangler's
   * shared .wrangler/state: every edge started from it runs the alarms of objects other edges left
   * there, so one test's unflushed region outboxes would be sent to another test's regions, and
   * concurrent workerd processes on the same SQLite files fail alarms with SQLITE_BUSY.
   */
  persistTo?: string;
  /** The inspector's port (DevTools protocol; a benchmark profiles through it); default: none. */
  inspectorPort?: number;
}

/** request.cf fields a test gives a request (Miniflare's dispatchFetch `cf` option). */
export type CfProperties = Record<string, unknown>;

export interface RunningEdge {
  baseUrl: string;
  /**
   * The user worker's own address, past wrangler's dev proxy (a benchmark's option; see
   * direct-worker.ts).
   */
  directUrl: string;
  /** A request to the Worker with the given `cf` (the client's location as Cloudflare sees it). */
  fetch(path: string, init?: RequestInit & { cf?: CfProperties }): Promise<Response>;
  /** The REGIONS value the edge was given. */
  regions: string;
  dispose(): Promise<void>;
}

/** Generous limits, so a test or benchmark measures the system rather than its rate limiter. */
export const UNLIMITED_RATES = {
  RATE_USER_PER_SEC: "100000",
  RATE_USER_BURST: "100000",
  RATE_CONN_PER_SEC: "100000",
  RATE_CONN_BURST: "100000",
} as const;

export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  // Offline there is no request.cf data to download; the placeholder is fine, and without a client
  // location the geo-router ranks the default (first) region first and the rest by distance.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  const regions = catalog(options.regions);
  const vars: Record<string, string> = {
    REGIONS: regions,
    SERVICE_SIGNING_KEY: JSON.stringify(options.signingKey),
    ...options.vars,
  };
  const ownDir =
    options.persistTo === undefined ? mkdtempSync(join(tmpdir(), "edge-chat-edge-")) : undefined;
  const { worker, directUrl } = await startWorkerDirect({
    config: CONFIG,
    bindings: Object.fromEntries(
      Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value }]),
    ),
    dev: {
      server: { hostname: "127.0.0.1", port: options.port ?? 0 },
      persist: options.persistTo ?? ownDir,
      inspector: options.inspectorPort === undefined ? false : { port: options.inspectorPort },
      watch: false,
      logLevel: "warn",
    },
  });
  const baseUrl = (await worker.url).origin;
  return {
    baseUrl,
    directUrl,
    regions,
    fetch: async (path, init) =>
      (await worker.fetch(
        `${baseUrl}${path}`,
        init as Parameters<typeof worker.fetch>[1],
      )) as unknown as Response,
    dispose: async () => {
      await worker.dispose();
      if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** The geo-router catalog of the local regions at the given base URLs (eu-west, us-east, ap-southeast). */
function catalog(urls: readonly string[]): string {
  if (urls.length === 0) return "[]";
  const ports = urls.map((url) => Number(new URL(url).port));
  const local = localRegionCatalog({
    euWestPort: ports[0],
    usEastPort: ports[1] ?? ports[0],
    ...(ports[2] !== undefined ? { apSoutheastPort: ports[2] } : {}),
  });
  return JSON.stringify(local.slice(0, urls.length));
}
