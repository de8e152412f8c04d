// The embedded object store for `npm start`: the subset of the S3 API that edge-chat uses (path-style
// PUT/GET/HEAD/DELETE of objects, HEAD/PUT of a bucket, ListObjectsV2, Range reads, CORS for the demo page), with
// SigV4 checked on every request, presigned or header-signed. So region-core talks to it through the
// same AWS SDK adapter as to a real S3 server, and the same contract tests run against both.
// Objects live in a directory: one data file and one metadata file per object, named by a hash of
// bucket and key (no path a key can escape through).
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Credentials, verifySigV4 } from "./sigv4.ts";

export interface EmbeddedStoreOptions {
  host: string;
  port: number;
  /** Where objects are kept; created if missing. */
  dir: string;
  buckets: readonly string[];
  credentials: readonly Credentials[];
  /** Origins allowed to PUT/GET from a browser; `*` allows any. */
  corsOrigins: readonly string[];
  /** Largest object accepted, in bytes. */
  maxObjectBytes: number;
  now?: () => number;
}

export interface RunningStore {
  /** e.g. http://127.0.0.1:8792 */
  endpoint: string;
  close(): Promise<void>;
}

interface ObjectMeta {
  /** Bucket and key, for listing (the file name is a hash of them). */
  bucket?: string;
  key?: string;
  contentType: string;
  /** x-amz-meta-* headers of the PUT, names in lower case. */
  userMetadata?: Record<string, string>;
  size: number;
  etag: string;
  lastModified: number;
}

export class S3Error extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendError(res: ServerResponse, error: S3Error, head: boolean): void {
  res.statusCode = error.status;
  if (head) {
    res.end();
    return;
  }
  res.setHeader("content-type", "application/xml");
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error>`,
  );
}

/** The pieces of a path-style URL: /bucket or /bucket/key (key still percent-encoded). */
function target(rawPath: string): { bucket: string; key: string | undefined } {
  const path = rawPath.slice(1);
  const slash = path.indexOf("/");
  if (slash < 0) return { bucket: decodeURIComponent(path), key: undefined };
  const key = decodeURIComponent(path.slice(slash + 1));
  return { bucket: decodeURIComponent(path.slice(0, slash)), key: key === "" ? undefined : key };
}

/** CORS for a browser page on an allowed origin (`*` allows any). */
export function allowOrigin(
  req: IncomingMessage,
  res: ServerResponse,
  origins: readonly string[],
): void {
  const origin = req.headers.origin;
  if (!origin) return;
  if (!origins.includes("*") && !origins.includes(origin)) return;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "Origin");
  res.setHeader("access-control-expose-headers", "etag, content-length, content-type, x-cache");
}

/** The request's URL parts once its SigV4 signature (query or header) checks out; 403 if not. */
export function verifiedRequest(
  req: IncomingMessage,
  credentials: readonly Credentials[],
  now: number,
): { url: URL; rawPath: string; payloadHash: string } {
  const url = new URL(req.url ?? "/", "http://store.invalid");
  const rawPath = (req.url ?? "/").split("?")[0]!;
  const verdict = verifySigV4(
    {
      method: req.method ?? "GET",
      rawPath,
      query: [...url.searchParams],
      headers: req.headers as Record<string, string | undefined>,
    },
    credentials,
    now,
  );
  if (!verdict.ok) throw new S3Error(403, verdict.code, verdict.message);
  return { url, rawPath, payloadHash: verdict.payloadHash };
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive [start, end], or null if unsatisfiable. */
export function parseRange(header: string, size: number): [number, number] | null | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined; // ignored, as S3 does
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return null;
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return null;
  return [start, end];
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<RunningStore> {
  const now = options.now ?? Date.now;
  await mkdir(options.dir, { recursive: true });
  const buckets = new Set(options.buckets);
  const fileOf = (bucket: string, key: string) => objectFile(options.dir, bucket, key);

  async function readMeta(file: string): Promise<ObjectMeta | null> {
    try {
      return JSON.parse(await readFile(`${file}.meta`, "utf8")) as ObjectMeta;
    } catch {
      return null;
    }
  }

  const cors = (req: IncomingMessage, res: ServerResponse) =>
    allowOrigin(req, res, options.corsOrigins);

  async function putObject(
    req: IncomingMessage,
    res: ServerResponse,
    at: { bucket: string; key: string; file: string },
    hash: string,
  ) {
    const { file } = at;
    const declared = Number(req.headers["content-length"]);
    if (!Number.isInteger(declared))
      throw new S3Error(411, "MissingContentLength", "length needed");
    if (declared > options.maxObjectBytes) {
      throw new S3Error(400, "EntityTooLarge", "object is larger than this store accepts");
    }
    if (hash.startsWith("STREAMING-")) {
      throw new S3Error(501, "NotImplemented", "chunked uploads are not supported");
    }
    const md5 = createHash("md5");
    const sha = createHash("sha256");
    let size = 0;
    const tmp = `${file}.${randomUUID()}.tmp`;
    try {
      await pipeline(
        req,
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length;
            md5.update(chunk);
            sha.update(chunk);
            done(null, chunk);
          },
        }),
        createWriteStream(tmp),
      );
      if (size !== declared)
        throw new S3Error(400, "IncompleteBody", "body is shorter than declared");
      if (hash !== "UNSIGNED-PAYLOAD" && sha.digest("hex") !== hash) {
        throw new S3Error(400, "XAmzContentSHA256Mismatch", "payload hash does not match");
      }
      const userMetadata = Object.fromEntries(
        Object.entries(req.headers).flatMap(([name, value]) =>
          name.startsWith("x-amz-meta-") && typeof value === "string" ? [[name, value]] : [],
        ),
      );
      const meta: ObjectMeta = {
        bucket: at.bucket,
        key: at.key,
        contentType: req.headers["content-type"] ?? "binary/octet-stream",
        userMetadata,
        size,
        etag: `"${md5.digest("hex")}"`,
        lastModified: now(),
      };
      // Data first, then metadata: a reader that finds the metadata finds the whole object.
      await rename(tmp, file);
      await writeFile(`${file}.meta`, JSON.stringify(meta));
      res.setHeader("etag", meta.etag);
      res.statusCode = 200;
      res.end();
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /**
   * ListObjectsV2, in key order: a scan of every object's metadata per page, which is fine for a
   * local store (the upload sweeper lists rarely). The continuation token is the last key sent.
   */
  async function listObjects(res: ServerResponse, bucket: string, query: URLSearchParams) {
    const prefix = query.get("prefix") ?? "";
    const after = query.get("continuation-token") ?? query.get("start-after") ?? "";
    const maxKeys = Math.min(1000, Math.max(1, Number(query.get("max-keys") ?? 1000) || 1000));
    const metas: ObjectMeta[] = [];
    for (const name of await readdir(options.dir)) {
      if (!name.endsWith(".meta")) continue;
      const meta = await readMeta(join(options.dir, name.slice(0, -".meta".length)));
      if (meta?.bucket !== bucket || meta.key === undefined) continue;
      if (meta.key.startsWith(prefix) && meta.key > after) metas.push(meta);
    }
    metas.sort((a, b) => (a.key! < b.key! ? -1 : 1));
    const page = metas.slice(0, maxKeys);
    const truncated = metas.length > page.length;
    const contents = page
      .map(
        (m) =>
          `<Contents><Key>${xmlEscape(m.key!)}</Key><LastModified>${new Date(m.lastModified).toISOString()}</LastModified><ETag>${xmlEscape(m.etag)}</ETag><Size>${m.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join("");
    res.setHeader("content-type", "application/xml");
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1)!.key!)}</NextContinuationToken>` : ""}</ListBucketResult>`,
    );
  }

  async function getObject(req: IncomingMessage, res: ServerResponse, file: string, head: boolean) {
    const meta = await readMeta(file);
    if (!meta) throw new S3Error(404, "NoSuchKey", "The specified key does not exist.");
    res.setHeader("content-type", meta.contentType);
    for (const [name, value] of Object.entries(meta.userMetadata ?? {})) res.setHeader(name, value);
    res.setHeader("etag", meta.etag);
    res.setHeader("last-modified", new Date(meta.lastModified).toUTCString());
    res.setHeader("accept-ranges", "bytes");
    let start = 0;
    let end = meta.size - 1;
    const rangeHeader = req.headers.range;
    if (rangeHeader) {
      const range = parseRange(rangeHeader, meta.size);
      if (range === null) {
        res.setHeader("content-range", `bytes */${meta.size}`);
        throw new S3Error(416, "InvalidRange", "The requested range is not satisfiable");
      }
      if (range) {
        [start, end] = range;
        res.statusCode = 206;
        res.setHeader("content-range", `bytes ${start}-${end}/${meta.size}`);
      }
    }
    res.setHeader("content-length", String(Math.max(0, end - start + 1)));
    if (head || meta.size === 0) {
      res.end();
      return;
    }
    // The reader may have gone already (a browser cancelling a media request).
    if (res.destroyed) return;
    await pipeline(createReadStream(file, { start, end }), res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const head = method === "HEAD";
    cors(req, res);
    if (method === "OPTIONS") {
      res.setHeader("access-control-allow-methods", "GET, PUT, HEAD");
      res.setHeader(
        "access-control-allow-headers",
        req.headers["access-control-request-headers"] ?? "content-type",
      );
      res.setHeader("access-control-max-age", "600");
      res.statusCode = 204;
      res.end();
      return;
    }
    const { url, rawPath, payloadHash } = verifiedRequest(req, options.credentials, now());
    const { bucket, key } = target(rawPath);
    if (!buckets.has(bucket)) {
      if (method === "PUT" && key === undefined) {
        buckets.add(bucket);
        res.end();
        return;
      }
      throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    }
    if (key === undefined) {
      if (head || method === "PUT") {
        res.end();
        return;
      }
      if (method === "GET" && url.searchParams.get("list-type") === "2") {
        return listObjects(res, bucket, url.searchParams);
      }
      throw new S3Error(501, "NotImplemented", "only ListObjectsV2 lists a bucket");
    }
    const file = fileOf(bucket, key);
    switch (method) {
      case "PUT":
        if (req.headers["x-amz-copy-source"]) {
          throw new S3Error(501, "NotImplemented", "copy is not supported");
        }
        return putObject(req, res, { bucket, key, file }, payloadHash);
      case "GET":
      case "HEAD":
        return getObject(req, res, file, head);
      case "DELETE":
        await rm(`${file}.meta`, { force: true });
        await rm(file, { force: true });
        res.statusCode = 204;
        res.end();
        return;
      default:
        throw new S3Error(405, "MethodNotAllowed", "method not allowed");
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const s3 =
        error instanceof S3Error ? error : new S3Error(500, "InternalError", "internal error");
      if (!(error instanceof S3Error)) console.error("embedded store:", error);
      // A refused upload's body is not read; close so the client is not left writing into a void.
      if (req.method === "PUT" && !req.complete) res.setHeader("connection", "close");
      sendError(res, s3, req.method === "HEAD");
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The file of an object: a hash of bucket and key, so no key can name a path outside `dir`. */
function objectFile(dir: string, bucket: string, key: string): string {
  return join(dir, createHash("sha256").update(`${bucket}\n${key}`).digest("hex"));
}
