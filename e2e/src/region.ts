// region-core as a child process (`node region-core/src/main.ts`), as it is deployed: configured
// only through its environment, on a fixed loopback port so it can be stopped (gracefully or with
// SIGKILL, as a crash) and started again at the address the edge's catalog names. Its output goes
// to a log file whose tail is shown when it fails to start.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, until } from "./ports.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = "region-core/src/main.ts";

export interface RegionProcessOptions {
  /** Name in logs and REGION_ID. */
  regionId: string;
  /** Environment for region-core (ADAPTERS, KAFKA_*, CASSANDRA_*, SERVICE_JWKS, …). */
  env: Record<string, string>;
  port?: number;
  /** The script to run, from the repository root (default region-core's main). */
  entry?: string;
}

export class RegionProcess {
  readonly regionId: string;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  readonly #env: Record<string, string>;
  readonly #entry: string;
  #child: ChildProcess | null = null;

  private constructor(options: RegionProcessOptions & { port: number }) {
    this.regionId = options.regionId;
    this.port = options.port;
    this.url = `http://127.0.0.1:${options.port}`;
    this.logFile = join(
      tmpdir(),
      `edge-chat-${options.regionId}-${process.pid}-${options.port}.log`,
    );
    this.#env = options.env;
    this.#entry = join(ROOT, options.entry ?? MAIN);
  }

  static async create(options: RegionProcessOptions): Promise<RegionProcess> {
    return new RegionProcess({ ...options, port: options.port ?? (await freePort()) });
  }

  /** The child's process id while it runs (a benchmark reads its CPU time from it). */
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process and waits until GET /health answers 200. */
  async start({ timeoutMs = 180_000 } = {}): Promise<void> {
    if (this.running) return;
    const log = createWriteStream(this.logFile, { flags: "a" });
    log.write(`==== ${new Date().toISOString()} starting ${this.regionId}\n`);
    const child = spawn(process.execPath, [this.#entry], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...this.#env,
        REGION_ID: this.regionId,
        HOST: "127.0.0.1",
        PORT: String(this.port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once("exit", () => log.end());
    this.#child = child;
    try {
      await until(
        async () => {
          if (!this.running) throw new Error("exited");
          return (await fetch(`${this.url}/health`)).status === 200;
        },
        `${this.regionId} to answer /health`,
        { everyMs: 200, timeoutMs },
      );
    } catch (error) {
      throw new Error(`${this.regionId} did not start:\n${this.tail()}`, { cause: error });
    }
  }

  /** SIGTERM: region-core drains in-flight requests and persister writes, then exits. */
  stop(): Promise<void> {
    return this.#signal("SIGTERM");
  }

  /** SIGKILL: a crash, with no draining and no offsets committed beyond what was already. */
  kill(): Promise<void> {
    return this.#signal("SIGKILL");
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
    this.#child = null;
  }

  /** The last lines of this region's log. */
  tail(lines = 40): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }
}
