// Starts the real edge Worker (the repository's wrangler.toml) in workerd on a random loopback port,
// and restarts it on demand (which closes every socket from the server side while Durable Object
// storage survives). Wrangler is imported dynamically with the few types used here written out:
// its declarations pull Node and workers globals into the whole client program, which would hide a
// stray Node API in the browser SDK from the type check.

interface StartedWorker {
  url: Promise<URL>;
  ready: Promise<void>;
  patchConfig(input: {
    bindings: Record<string, { type: "plain_text"; value: string }>;
  }): Promise<unknown>;
  dispose(): Promise<void>;
}

interface Wrangler {
  unstable_startWorker(input: {
    config: string;
    bindings?: Record<string, { type: "plain_text"; value: string }>;
    dev: {
      server: { hostname: string; port: number };
      inspector: false;
      watch: boolean;
      logLevel: string;
    };
  }): Promise<StartedWorker>;
}

export interface RunningEdge {
  baseUrl: string;
  /** Restarts workerd: every open socket is closed by the server, storage is kept. */
  /** `vars` override the Worker's variables until the next restart. */
  restart(vars?: Record<string, string>): Promise<void>;
  dispose(): Promise<void>;
}

export type EdgeStart = { ok: true; edge: RunningEdge } | { ok: false; reason: string };

const CONFIG = decodeURIComponent(new URL("../../../wrangler.toml", import.meta.url).pathname);

/** Test-friendly settings: short typing expiry, generous rate limits, no regions. */
const BINDINGS = {
  // No regional ingester runs here: the edge's region outbox just accumulates instead of retrying noisily.
  REGIONS: { type: "plain_text", value: "[]" },
  TYPING_TTL_MS: { type: "plain_text", value: "3000" },
  RATE_USER_BURST: { type: "plain_text", value: "400" },
  RATE_CONN_BURST: { type: "plain_text", value: "300" },
} as const;

export async function startEdge(): Promise<EdgeStart> {
  let worker: StartedWorker;
  try {
    const specifier = "wrangler";
    const wrangler = (await import(/* @vite-ignore */ specifier)) as Wrangler;
    worker = await wrangler.unstable_startWorker({
      config: CONFIG,
      bindings: { ...BINDINGS },
      dev: {
        server: { hostname: "127.0.0.1", port: 0 },
        inspector: false,
        watch: false,
        logLevel: "warn",
      },
    });
    await worker.ready;
  } catch (error) {
    return {
      ok: false,
      reason: `the edge Worker could not be started from ${CONFIG}: ${describe(error)}`,
    };
  }
  const baseUrl = (await worker.url).origin;
  let generation = 0;
  return {
    ok: true,
    edge: {
      baseUrl,
      async restart(vars = {}) {
        const overrides = Object.fromEntries(
          Object.entries(vars).map(([name, value]) => [
            name,
            { type: "plain_text", value } as const,
          ]),
        );
        // Any change of bindings makes wrangler restart workerd on the same port.
        await worker.patchConfig({
          bindings: {
            ...BINDINGS,
            ...overrides,
            TEST_GENERATION: { type: "plain_text", value: String(++generation) },
          },
        });
        await worker.ready;
      },
      dispose: () => worker.dispose(),
    },
  };
}

/** The error and its causes on one line (wrangler wraps the real reason, e.g. a missing config). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; ) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(" ← ");
}
