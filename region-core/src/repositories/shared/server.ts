// The shared embedded store as a small HTTP service: `npm start` runs one, and every embedded
// region-core (ADAPTERS=embedded with EMBEDDED_STORE_URL) reads and writes through it, so the
// simulated regions behave like the datacenters of one cluster. Loopback only, development only:
// there is no authentication, as there is none on the embedded event log.
//
//   GET  /layout                          → { regions, repositories: { name: [method, …] } }
//   POST /v1/:region/:repository/:method  { args: [...] } → { result }
//   POST /flush                           apply every delayed cross-region write now
//   GET  /health                          → { status, regions, lagging }
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { ChatError } from "@edge-chat/protocol";
import { Hono } from "hono";
import { z } from "zod";
import { errorResponse, readJson } from "../../http/errors.ts";
import { type StoreReplica, storeReplica } from "./replica.ts";
import { ReplicatedStore, UnknownTarget } from "./replicated.ts";
import { stringifyWire } from "./wire.ts";

export interface SharedStoreOptions {
  regions: readonly string[];
  replicationDelayMs?: number;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface RunningSharedStore {
  url: string;
  store: ReplicatedStore;
  stop(): Promise<void>;
}

/** Each repository's method names, read off the in-memory implementation the replicas use. */
export function repositoryLayout(repositories: StoreReplica): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(repositories).map(([name, repository]) => {
      const methods = new Set<string>();
      for (let p = Object.getPrototypeOf(repository); p && p !== Object.prototype; ) {
        for (const key of Object.getOwnPropertyNames(p)) {
          if (key !== "constructor" && typeof p[key] === "function") methods.add(key);
        }
        p = Object.getPrototypeOf(p);
      }
      return [name, [...methods].sort()];
    }),
  );
}

const CallBody = z.object({ args: z.array(z.unknown()).max(16) });

export function sharedStoreApp(store: ReplicatedStore): Hono {
  const layout = repositoryLayout(storeReplica());
  const app = new Hono();
  app.onError((error, c) =>
    errorResponse(
      c,
      error instanceof UnknownTarget ? new ChatError("not_found", error.message) : error,
    ),
  );
  app.notFound((c) => errorResponse(c, new ChatError("not_found", "no such route")));
  app.get("/health", (c) =>
    c.json({ status: "ok", regions: store.regions, lagging: store.lagging }),
  );
  app.get("/layout", (c) => c.json({ regions: store.regions, repositories: layout }));
  app.post("/flush", async (c) => {
    await store.flush();
    return c.body(null, 204);
  });
  app.post("/v1/:region/:repository/:method", async (c) => {
    const body = CallBody.safeParse(await readJson(c));
    if (!body.success) throw new ChatError("invalid_request", "body must be { args: [...] }");
    const { region, repository, method } = c.req.param();
    const result = await store.call(region, repository, method, body.data.args);
    // `undefined` (a write's answer) has no JSON form: the key is simply absent.
    return c.body(stringifyWire({ result }), 200, { "content-type": "application/json" });
  });
  return app;
}

export async function startSharedStore(options: SharedStoreOptions): Promise<RunningSharedStore> {
  const store = new ReplicatedStore({
    regions: options.regions,
    replica: storeReplica,
    replicationDelayMs: options.replicationDelayMs ?? 0,
  });
  const app = sharedStoreApp(store);
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, () =>
      resolve(s),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    store,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

const Env = z.object({
  EMBEDDED_STORE_REGIONS: z.string().regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/),
  EMBEDDED_STORE_HOST: z.string().min(1).default("127.0.0.1"),
  EMBEDDED_STORE_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  EMBEDDED_REPLICATION_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
});

// `node region-core/src/repositories/shared/server.ts` runs it alone (EMBEDDED_STORE_* above).
if (import.meta.main) {
  const env = Env.parse(process.env);
  const running = await startSharedStore({
    regions: env.EMBEDDED_STORE_REGIONS.split(","),
    host: env.EMBEDDED_STORE_HOST,
    port: env.EMBEDDED_STORE_PORT,
    replicationDelayMs: env.EMBEDDED_REPLICATION_DELAY_MS,
  });
  console.log(`embedded store listening on ${running.url}`);
  process.once("SIGTERM", () => void running.stop().then(() => process.exit(0)));
  process.once("SIGINT", () => void running.stop().then(() => process.exit(0)));
}
