// Starts the Upstash REST proxy (upstash-proxy.ts) as a detached Node process in front of Redis.
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServicesConfig } from "../config.ts";
import { log } from "../install.ts";
import { isRunning, readPid, startDetached, stopProcess, waitReady } from "../process.ts";
import type { HealthRow, UpstashEndpoint } from "../types.ts";

const ID = "upstash";
const SCRIPT = fileURLToPath(new URL("../upstash-proxy.ts", import.meta.url));

export function upstashEndpoint(cfg: ServicesConfig): UpstashEndpoint {
  return { url: `http://${cfg.host}:${cfg.upstash.port}`, token: cfg.upstash.token };
}

/** Healthy when an authorized PING goes through the proxy to Redis and back. */
export async function upstashPing(cfg: ServicesConfig): Promise<boolean> {
  const e = upstashEndpoint(cfg);
  try {
    const res = await fetch(e.url, {
      method: "POST",
      headers: { authorization: `Bearer ${e.token}`, "content-type": "application/json" },
      body: JSON.stringify(["PING"]),
      signal: AbortSignal.timeout(3000),
    });
    return res.ok && ((await res.json()) as { result?: unknown }).result === "PONG";
  } catch {
    return false;
  }
}

export async function upUpstash(cfg: ServicesConfig): Promise<UpstashEndpoint> {
  const what = `Upstash REST proxy (${upstashEndpoint(cfg).url})`;
  const existing = readPid(cfg.runDir, ID);
  const versionFile = join(cfg.runDir, "upstash-proxy.version");
  const version = proxyCodeVersion();
  if (
    isRunning(existing) &&
    readText(versionFile) !== version &&
    sourcesNewerThan(existing!.startedAt)
  ) {
    // The proxy is our own code: when this checkout's proxy differs and its files are newer than
    // the running process, replace it (under a second), so fixes reach every user of the shared
    // services; the time check keeps two checkouts from restarting it back and forth.
    log("the running Upstash REST proxy is an older version: restarting it");
    await stopProcess(cfg.runDir, ID);
  } else if (isRunning(existing)) {
    await waitReady({
      service: "upstash",
      rec: existing!,
      timeoutMs: 30_000,
      check: () => upstashPing(cfg),
      what,
    });
    return upstashEndpoint(cfg);
  }
  log(`starting ${what}`);
  writeFileSync(versionFile, version);
  const rec = startDetached(cfg.runDir, {
    id: ID,
    command: process.execPath,
    // The address on the command line only labels the process (the pid-file check matches it).
    args: [SCRIPT, `${cfg.host}:${cfg.upstash.port}`],
    log: join(cfg.logDir, "upstash.log"),
    marker: `upstash-proxy.ts ${cfg.host}:${cfg.upstash.port}`,
    // The proxy parses the same environment; pin the values this process resolved.
    env: {
      ...process.env,
      EDGE_CHAT_SERVICES_HOST: cfg.host,
      EDGE_CHAT_REDIS_PORT: String(cfg.redis.port),
      EDGE_CHAT_UPSTASH_PORT: String(cfg.upstash.port),
      EDGE_CHAT_UPSTASH_TOKEN: cfg.upstash.token,
    },
  });
  await waitReady({
    service: "upstash",
    rec,
    started: { runDir: cfg.runDir, id: ID },
    timeoutMs: 30_000,
    check: () => upstashPing(cfg),
    what,
  });
  return upstashEndpoint(cfg);
}

const SOURCES = ["../upstash-proxy.ts", "../upstash-protocol.ts"].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);

function sourcesNewerThan(iso: string): boolean {
  const started = new Date(iso).getTime();
  return SOURCES.some((f) => statSync(f).mtimeMs > started);
}

/** Hash of the proxy's own source files: changes whenever its behaviour may have changed. */
function proxyCodeVersion(): string {
  const hash = createHash("sha256");
  for (const f of SOURCES) hash.update(readFileSync(f));
  return hash.digest("hex").slice(0, 16);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

export async function downUpstash(cfg: ServicesConfig): Promise<string[]> {
  return (await stopProcess(cfg.runDir, ID)) ? ["upstash"] : [];
}

export async function statusUpstash(cfg: ServicesConfig): Promise<HealthRow> {
  const rec = readPid(cfg.runDir, ID);
  const running = isRunning(rec);
  const healthy = running && (await upstashPing(cfg));
  return {
    service: "upstash",
    address: upstashEndpoint(cfg).url,
    state: healthy ? "healthy" : running ? "unhealthy" : "stopped",
    pid: running ? rec!.pid : undefined,
    log: join(cfg.logDir, "upstash.log"),
  };
}
