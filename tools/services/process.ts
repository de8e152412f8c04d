// Detached service processes: start one in its own process group with output to a log file,
// record it in a pid file, tell whether it is still ours and alive, and stop its whole group.
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceName } from "./config.ts";

export type ServiceErrorCode =
  | "SERVICE_TOOL_MISSING"
  | "SERVICE_START_FAILED"
  | "SERVICE_INSTALL_FAILED"
  | "SERVICE_CONFLICT"
  | "SERVICE_STOP_FAILED";

export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly service: ServiceName;
  readonly code: ServiceErrorCode;
  constructor(service: ServiceName, code: ServiceErrorCode, message: string) {
    super(`${service}: ${message}`);
    this.service = service;
    this.code = code;
  }
}

export interface PidRecord {
  pid: number;
  /** A string that must appear in /proc/<pid>/cmdline, so a recycled pid is never mistaken for ours. */
  marker: string;
  log: string;
  startedAt: string;
}

export function pidFile(runDir: string, id: string): string {
  return join(runDir, "pids", `${id}.json`);
}

export function readPid(runDir: string, id: string): PidRecord | undefined {
  const file = pidFile(runDir, id);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PidRecord;
  } catch {
    return undefined;
  }
}

/** True when the recorded process still runs and is the one we started (cmdline carries marker). */
export function isRunning(rec: PidRecord | undefined): boolean {
  if (!rec) return false;
  try {
    const cmdline = readFileSync(`/proc/${rec.pid}/cmdline`, "utf8");
    const stat = readFileSync(`/proc/${rec.pid}/stat`, "utf8");
    // A zombie (state Z) has exited; it only waits to be reaped.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && cmdline.replaceAll("\0", " ").includes(rec.marker);
  } catch {
    return false;
  }
}

/** True while the pid exists and has not exited (used right after spawn, before exec). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export interface StartSpec {
  id: string;
  command: string;
  args: string[];
  log: string;
  marker: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a detached process (own session and process group) that outlives this one. */
export function startDetached(runDir: string, spec: StartSpec): PidRecord {
  mkdirSync(dirname(spec.log), { recursive: true });
  mkdirSync(join(runDir, "pids"), { recursive: true });
  const fd = openSync(spec.log, "a");
  try {
    writeFileSync(fd, `\n==== ${new Date().toISOString()} starting ${spec.id}: ${spec.command}\n`);
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ["ignore", fd, fd],
      cwd: spec.cwd ?? runDir,
      env: spec.env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${spec.command}`);
    child.on("error", () => {});
    child.unref();
    const rec: PidRecord = {
      pid: child.pid,
      marker: spec.marker,
      log: spec.log,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(pidFile(runDir, spec.id), JSON.stringify(rec, null, 2));
    return rec;
  } finally {
    closeSync(fd);
  }
}

/** Stops the process group we started (TERM, then KILL after a grace period) and drops the pid file. */
export async function stopProcess(runDir: string, id: string, graceMs = 30_000): Promise<boolean> {
  const rec = readPid(runDir, id);
  let stopped = false;
  if (rec && isRunning(rec)) {
    signalGroup(rec.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (isRunning(rec) && Date.now() < deadline) await sleep(250);
    if (isRunning(rec)) {
      signalGroup(rec.pid, "SIGKILL");
      while (isRunning(rec) && Date.now() < deadline + 10_000) await sleep(250);
    }
    stopped = true;
  }
  rmSync(pidFile(runDir, id), { force: true });
  return stopped;
}

/**
 * Freezes (SIGSTOP) or thaws (SIGCONT) a service we started, by pid file: to its peers and clients
 * a frozen process is a hung one (connections stay open, nothing answers). False if not running.
 */
export function pauseProcess(runDir: string, id: string, paused: boolean): boolean {
  const rec = readPid(runDir, id);
  if (!rec || !isRunning(rec)) return false;
  signalGroup(rec.pid, paused ? "SIGSTOP" : "SIGCONT");
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * For error messages: the first error-looking lines this start wrote (shutdown noise often
 * buries the cause), then the last `lines` lines of the log.
 */
export function tailLog(file: string, lines = 30, fromByte = 0): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const text = readRange(file, fromByte, TAIL_BYTES).toString("utf8").trimEnd().split("\n");
  const errors = text.filter((l) => /\b(ERROR|FATAL|Exception|Caused by)\b/.test(l)).slice(0, 8);
  const tail = text.slice(-lines).join("\n");
  return errors.length > 0 ? `first errors:\n${errors.join("\n")}\nlast lines:\n${tail}` : tail;
}

/** Byte length of a log now, so a later wait only looks at what this start wrote. */
export function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export interface WaitSpec {
  service: ServiceName;
  rec: PidRecord;
  timeoutMs: number;
  /** Text that must appear in the log after `fromByte` (optional). */
  logLine?: string;
  fromByte?: number;
  /** A real health check that must pass (after the log line, if any). */
  check?: () => Promise<boolean>;
  what: string;
  /** We just started it: on failure stop it and drop its pid file rather than leave it behind. */
  started?: { runDir: string; id: string };
}

/** Waits for a started process to become ready; fails fast (with its log tail) if it dies. */
export async function waitReady(w: WaitSpec): Promise<void> {
  try {
    await waitReadyOnce(w);
  } catch (err) {
    if (w.started) await stopProcess(w.started.runDir, w.started.id, 10_000);
    throw err;
  }
}

async function waitReadyOnce(w: WaitSpec): Promise<void> {
  const deadline = Date.now() + w.timeoutMs;
  const scanner = w.logLine === undefined ? undefined : new LogScanner(w.rec.log, w.fromByte ?? 0);
  let sawLine = scanner === undefined;
  while (Date.now() < deadline) {
    if (!isAlive(w.rec.pid)) {
      throw new ServiceError(
        w.service,
        "SERVICE_START_FAILED",
        `${w.what} exited during start-up. From ${w.rec.log}:\n${tailLog(w.rec.log, 30, w.fromByte)}`,
      );
    }
    if (!sawLine && scanner !== undefined && w.logLine !== undefined) {
      sawLine = scanner.seen(w.logLine);
    }
    if (sawLine && (w.check === undefined || (await w.check().catch(() => false)))) return;
    await sleep(500);
  }
  throw new ServiceError(
    w.service,
    "SERVICE_START_FAILED",
    `${w.what} not ready after ${Math.round(w.timeoutMs / 1000)} s. From ${w.rec.log}:\n${tailLog(w.rec.log, 30, w.fromByte)}`,
  );
}

/** At most this much of a log's end goes into an error message. */
const TAIL_BYTES = 256 * 1024;
/** At most this much of a log is read per poll. */
const SCAN_CHUNK = 8 * 1024 * 1024;

/** Up to `maxBytes` of a file's end, not before `fromByte` (empty when it cannot be read). */
function readRange(file: string, fromByte: number, maxBytes: number): Buffer {
  try {
    const size = statSync(file).size;
    const start = Math.max(fromByte, size - maxBytes);
    return readAt(file, start, size - start);
  } catch {
    return Buffer.alloc(0);
  }
}

function readAt(file: string, position: number, length: number): Buffer {
  if (length <= 0) return Buffer.alloc(0);
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Looks for a line in what a log gains, reading each byte once: logs are appended to across starts
 * and a node that cannot reach its peers writes gigabytes, so reading the whole file per poll is
 * too slow (and past 2 GiB impossible).
 */
export class LogScanner {
  private readonly file: string;
  private offset: number;
  private carry = "";
  constructor(file: string, fromByte: number) {
    this.file = file;
    this.offset = fromByte;
  }

  /** True once `text` appeared after `fromByte` (also across chunk boundaries). */
  seen(text: string): boolean {
    for (;;) {
      let size: number;
      try {
        size = statSync(this.file).size;
      } catch {
        return false;
      }
      const length = Math.min(size - this.offset, SCAN_CHUNK);
      if (length <= 0) return false;
      const chunk = this.carry + readAt(this.file, this.offset, length).toString("utf8");
      this.offset += length;
      if (chunk.includes(text)) return true;
      this.carry = chunk.slice(-(text.length - 1));
    }
  }
}
