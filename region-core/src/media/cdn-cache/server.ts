// The local CDN: a caching proxy in front of the object store, so `npm start` has the shape
// production has with CloudFront in front of the bucket. Regions sign download URLs for this
// host (S3_DOWNLOAD_ENDPOINT); the cache checks each URL's SigV4 signature and expiry itself, as
// CloudFront checks its signed URLs at the edge, then serves the object from memory, keyed by
// object alone, fetching it from the store once per entry lifetime (concurrent misses share one
// fetch). So a picture in a big group is read from the store once, not once per member, while an
// expired or tampered URL is still refused. Each answer says `x-cache: Hit` or `Miss`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MediaStore } from "../ports.ts";
import type { Credentials } from "../store-server/sigv4.ts";
import {
  allowOrigin,
  parseRange,
  S3Error,
  sendError,
  verifiedRequest,
} from "../store-server/server.ts";

export interface CdnCacheOptions {
  host: string;
  port: number;
  bucket: string;
  /** The origin: the object store, read with the cache's own credentials. */
  origin: Pick<MediaStore, "head" | "read">;
  /** Keys whose signatures the cache accepts (those the regions sign with). */
  credentials: readonly Credentials[];
  corsOrigins: readonly string[];
  /** How long an object is served from memory before it is fetched again. */
  ttlMs: number;
  /** Bytes kept in memory; the least recently used objects go first. */
  maxBytes: number;
  now?: () => number;
}

export interface RunningCdnCache {
  endpoint: string;
  stats(): { hits: number; misses: number; entries: number; bytes: number };
  close(): Promise<void>;
}

interface Entry {
  bytes: Uint8Array;
  contentType: string;
  storedAt: number;
}

export async function startCdnCache(options: CdnCacheOptions): Promise<RunningCdnCache> {
  const now = options.now ?? Date.now;
  // A Map keeps insertion order: re-inserting on a hit makes its first key the least recent.
  const entries = new Map<string, Entry>();
  const fetching = new Map<string, Promise<Entry | null>>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes.length;
  };

  function remember(key: string, entry: Entry): void {
    forget(key);
    if (entry.bytes.length > options.maxBytes) return;
    entries.set(key, entry);
    bytes += entry.bytes.length;
    for (const oldest of entries.keys()) {
      if (bytes <= options.maxBytes) break;
      forget(oldest);
    }
  }

  /** The object from memory if fresh, else from the store (one fetch however many ask). */
  async function lookup(key: string): Promise<{ entry: Entry | null; hit: boolean }> {
    const cached = entries.get(key);
    if (cached && now() - cached.storedAt < options.ttlMs) {
      entries.delete(key);
      entries.set(key, cached);
      return { entry: cached, hit: true };
    }
    let pending = fetching.get(key);
    if (!pending) {
      pending = (async () => {
        const [head, body] = await Promise.all([
          options.origin.head(key),
          options.origin.read(key),
        ]);
        if (!head || !body) {
          forget(key);
          return null;
        }
        const entry = { bytes: body, contentType: head.contentType, storedAt: now() };
        remember(key, entry);
        return entry;
      })().finally(() => fetching.delete(key));
      fetching.set(key, pending);
    }
    return { entry: await pending, hit: false };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    allowOrigin(req, res, options.corsOrigins);
    if (method === "OPTIONS") {
      res.setHeader("access-control-allow-methods", "GET, HEAD");
      res.setHeader(
        "access-control-allow-headers",
        req.headers["access-control-request-headers"] ?? "range",
      );
      res.statusCode = 204;
      res.end();
      return;
    }
    if (method !== "GET" && method !== "HEAD") {
      throw new S3Error(405, "MethodNotAllowed", "the cache only serves downloads");
    }
    // The signature first, every time: a cached object is never served on a bad or stale URL.
    const { rawPath } = verifiedRequest(req, options.credentials, now());
    const prefix = `/${encodeURIComponent(options.bucket)}/`;
    if (!rawPath.startsWith(prefix) || rawPath.length === prefix.length) {
      throw new S3Error(404, "NoSuchKey", "The specified key does not exist.");
    }
    const key = decodeURIComponent(rawPath.slice(prefix.length));
    const { entry, hit } = await lookup(key);
    if (hit) hits++;
    else misses++;
    res.setHeader("x-cache", hit ? "Hit" : "Miss");
    if (!entry) throw new S3Error(404, "NoSuchKey", "The specified key does not exist.");
    res.setHeader("content-type", entry.contentType);
    res.setHeader("accept-ranges", "bytes");
    const size = entry.bytes.length;
    let [start, end] = [0, size - 1];
    if (req.headers.range) {
      const range = parseRange(req.headers.range, size);
      if (range === null) {
        res.setHeader("content-range", `bytes */${size}`);
        throw new S3Error(416, "InvalidRange", "The requested range is not satisfiable");
      }
      if (range) {
        [start, end] = range;
        res.statusCode = 206;
        res.setHeader("content-range", `bytes ${start}-${end}/${size}`);
      }
    }
    res.setHeader("content-length", String(Math.max(0, end - start + 1)));
    res.end(method === "HEAD" ? undefined : entry.bytes.subarray(start, end + 1));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const s3 =
        error instanceof S3Error
          ? error
          : new S3Error(502, "BadGateway", "the store did not answer");
      if (!(error instanceof S3Error)) console.error("cdn cache:", error);
      sendError(res, s3, req.method === "HEAD");
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host}:${port}`,
    stats: () => ({ hits, misses, entries: entries.size, bytes }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
