// Upstash-REST-compatible HTTP proxy in front of a real Redis (via ioredis), so `@upstash/redis`
// can be tested for real. Run as a process: `node upstash-proxy.ts` (settings from the env).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { parseConfig } from "./config.ts";
import {
  type Command,
  encodeReply,
  errorMessage,
  isAuthorized,
  isBlocking,
  parseCommand,
  parseCommands,
  UpstashRequestError,
  type UpstashReply,
} from "./upstash-protocol.ts";

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ProxyOptions {
  redis: Redis;
  token: string;
}

export function createUpstashProxy(opts: ProxyOptions): Server {
  return createServer((req, res) => {
    handle(opts, req, res).catch((err: unknown) => send(res, 500, { error: errorMessage(err) }));
  });
}

async function handle(
  opts: ProxyOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://proxy").pathname.replace(/\/+$/, "") || "/";
  if (req.method === "GET" && path === "/healthz") return send(res, 200, { result: "OK" });
  if (!isAuthorized(req.headers.authorization, opts.token)) {
    return send(res, 401, { error: "Unauthorized" });
  }
  if (req.method !== "POST") return send(res, 405, { error: "only POST is supported" });
  const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req)).toString("utf8"));
  } catch (err) {
    return send(res, 400, { error: `invalid JSON body: ${errorMessage(err)}` });
  }
  try {
    if (path === "/") {
      const command = parseCommand(body);
      const [name, ...args] = command;
      // A blocking command gets its own connection so it cannot stall everyone else's.
      const conn = isBlocking(command) ? opts.redis.duplicate() : opts.redis;
      try {
        const result = await conn.callBuffer(name, ...args);
        return send(res, 200, { result: encodeReply(result, base64) });
      } catch (err) {
        return send(res, 400, { error: errorMessage(err) });
      } finally {
        if (conn !== opts.redis) conn.disconnect();
      }
    }
    if (path === "/pipeline") {
      const commands = parseCommands(body);
      // Sent back to back on one connection, so Redis runs them in order (not atomically); a
      // pipeline with a blocking command gets its own connection.
      const conn = commands.some(isBlocking) ? opts.redis.duplicate() : opts.redis;
      try {
        const settled = await Promise.allSettled(
          commands.map(([name, ...args]) => conn.callBuffer(name, ...args)),
        );
        return send(
          res,
          200,
          settled.map((s) => toReply(s, base64)),
        );
      } finally {
        if (conn !== opts.redis) conn.disconnect();
      }
    }
    if (path === "/multi-exec") {
      return await multiExec(opts.redis, parseCommands(body), base64, res);
    }
    return send(res, 404, { error: `unknown endpoint ${path}` });
  } catch (err) {
    if (err instanceof UpstashRequestError) return send(res, 400, { error: err.message });
    throw err;
  }
}

async function multiExec(redis: Redis, commands: Command[], base64: boolean, res: ServerResponse) {
  // ioredis writes MULTI ... EXEC in one go on its connection, so nothing else interleaves.
  const tx = redis.multi();
  for (const [name, ...args] of commands) tx.callBuffer(name, ...args);
  let results: [Error | null, unknown][] | null;
  try {
    results = await tx.exec();
  } catch (err) {
    return send(res, 400, { error: errorMessage(err) });
  }
  if (results === null) return send(res, 400, { error: "EXECABORT Transaction discarded" });
  return send(
    res,
    200,
    results.map(([err, value]) =>
      toReply(err ? { status: "rejected", reason: err } : { status: "fulfilled", value }, base64),
    ),
  );
}

function toReply(s: PromiseSettledResult<unknown>, base64: boolean): UpstashReply {
  return s.status === "fulfilled"
    ? { result: encodeReply(s.value, base64) }
    : { error: errorMessage(s.reason) };
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function main(): void {
  const cfg = parseConfig(process.env);
  const redis = new Redis(cfg.redis.port, cfg.host, { maxRetriesPerRequest: 3 });
  redis.on("error", (err) => console.error(`redis: ${err.message}`));
  const server = createUpstashProxy({ redis, token: cfg.upstash.token });
  server.listen(cfg.upstash.port, cfg.host, () => {
    console.log(
      `upstash REST proxy listening on http://${cfg.host}:${cfg.upstash.port} -> redis ${cfg.host}:${cfg.redis.port}`,
    );
  });
  const stop = () => {
    server.close();
    redis.disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
