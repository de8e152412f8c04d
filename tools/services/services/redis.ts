// Redis: Debian's redis-server on loopback, no persistence (test data only), health by PING.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { ServicesConfig } from "../config.ts";
import { log, requireTool } from "../install.ts";
import { isRunning, logSize, readPid, startDetached, stopProcess, waitReady } from "../process.ts";
import type { HealthRow, RedisEndpoint } from "../types.ts";

const ID = "redis";

export function redisEndpoint(cfg: ServicesConfig): RedisEndpoint {
  return { url: `redis://${cfg.host}:${cfg.redis.port}` };
}

export async function redisPing(cfg: ServicesConfig): Promise<boolean> {
  const client = new Redis(cfg.redis.port, cfg.host, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function upRedis(cfg: ServicesConfig): Promise<RedisEndpoint> {
  const what = `Redis (${cfg.host}:${cfg.redis.port})`;
  const existing = readPid(cfg.runDir, ID);
  if (isRunning(existing)) {
    await waitReady({
      service: "redis",
      rec: existing!,
      timeoutMs: 30_000,
      check: () => redisPing(cfg),
      what,
    });
    return redisEndpoint(cfg);
  }
  requireTool(
    "redis",
    cfg.tools.redisServer,
    ["--version"],
    "install it with `apt-get install redis-server`",
  );
  const dir = join(cfg.runDir, "redis");
  mkdirSync(dir, { recursive: true });
  const logFile = join(cfg.logDir, "redis.log");
  log(`starting ${what}`);
  const from = logSize(logFile);
  const rec = startDetached(cfg.runDir, {
    id: ID,
    command: cfg.tools.redisServer,
    args: [
      "--bind",
      cfg.host,
      "--port",
      String(cfg.redis.port),
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    log: logFile,
    marker: `${cfg.host}:${cfg.redis.port}`,
  });
  await waitReady({
    service: "redis",
    rec,
    started: { runDir: cfg.runDir, id: ID },
    timeoutMs: 30_000,
    logLine: "Ready to accept connections",
    fromByte: from,
    check: () => redisPing(cfg),
    what,
  });
  return redisEndpoint(cfg);
}

export async function downRedis(cfg: ServicesConfig): Promise<string[]> {
  return (await stopProcess(cfg.runDir, ID)) ? ["redis"] : [];
}

export async function statusRedis(cfg: ServicesConfig): Promise<HealthRow> {
  const rec = readPid(cfg.runDir, ID);
  const running = isRunning(rec);
  const healthy = running && (await redisPing(cfg));
  return {
    service: "redis",
    address: redisEndpoint(cfg).url,
    state: healthy ? "healthy" : running ? "unhealthy" : "stopped",
    pid: running ? rec!.pid : undefined,
    log: join(cfg.logDir, "redis.log"),
  };
}
