// `npm start` itself (tools/dev/start.ts) as a child process, on free ports and a media directory
// of its own, for tests that must see the system exactly as a newcomer gets it: embedded regions,
// the embedded object store, the metrics collector and the edge under `wrangler dev`. Ready when
// the edge, every region and the object store answer. Stopped with SIGTERM (start.ts stops its
// children); the output is kept in a log file whose tail is shown when it fails to start.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, until } from "./ports.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface DevStack {
  /** The edge (and the demo page), e.g. http://127.0.0.1:41234 */
  edgeUrl: string;
  regionUrls: string[];
  /** The embedded object store. */
  mediaStoreUrl: string;
  /** The local CDN in front of it, which downloads are signed for. */
  mediaCacheUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startDevStack({
  env = {},
  timeoutMs = 300_000,
}: {
  env?: Record<string, string>;
  timeoutMs?: number;
} = {}): Promise<DevStack> {
  const [edge, euWest, usEast, apSoutheast, collector, mediaStore, mediaCache] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const regionPorts = [euWest!, usEast!, apSoutheast!];
  const mediaDir = mkdtempSync(join(tmpdir(), "edge-chat-devstack-media-"));
  const stateDir = mkdtempSync(join(tmpdir(), "edge-chat-devstack-state-"));
  const logFile = join(tmpdir(), `edge-chat-devstack-${process.pid}-${edge}.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, ["tools/dev/start.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDGE_PORT: String(edge),
      EU_WEST_PORT: String(euWest),
      US_EAST_PORT: String(usEast),
      AP_SOUTHEAST_PORT: String(apSoutheast),
      COLLECTOR_PORT: String(collector),
      MEDIA_STORE_PORT: String(mediaStore),
      MEDIA_CACHE_PORT: String(mediaCache),
      MEDIA_STORE_DIR: mediaDir,
      EDGE_STATE_DIR: stateDir,
      EMBEDDED_STORE_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const tail = () => {
    try {
      return readFileSync(logFile, "utf8").split("\n").slice(-60).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const stack: DevStack = {
    edgeUrl: `http://127.0.0.1:${edge}`,
    regionUrls: regionPorts.map((port) => `http://127.0.0.1:${port}`),
    mediaStoreUrl: `http://127.0.0.1:${mediaStore}`,
    mediaCacheUrl: `http://127.0.0.1:${mediaCache}`,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      log.end();
      rmSync(mediaDir, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error("npm start exited");
        const answers = await Promise.all(
          [`${stack.edgeUrl}/health`, ...stack.regionUrls.map((url) => `${url}/health`)].map(
            async (url) => (await fetch(url)).status === 200,
          ),
        );
        // Any answer from the store and the cache means they listen (both refuse unsigned requests).
        await Promise.all([fetch(stack.mediaStoreUrl), fetch(stack.mediaCacheUrl)]);
        return answers.every(Boolean);
      },
      "npm start to serve the edge, the regions and the object store",
      { everyMs: 500, timeoutMs },
    );
  } catch (error) {
    const output = tail();
    await stack.stop();
    throw new Error(`npm start did not come up:\n${output}`, { cause: error });
  }
  return stack;
}
