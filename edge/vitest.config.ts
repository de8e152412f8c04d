// The edge's tests run inside workerd (Miniflare) with the root wrangler.toml; vars are overridden
// for tests (small window, rate limits a burst can hit, a fake ingester as the outbound network).
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { generateKeyPairSync } from "node:crypto";
import { Response as MiniflareResponse } from "miniflare";
import { ensureServices } from "../tools/services/ensure.ts";
import { createFakeIngester } from "./test/support/fake-ingester.ts";
import { createFakeMedia, isMediaRequest } from "./test/support/fake-media.ts";
import { fakeMetrics, METRICS_HOST } from "./test/support/fake-metrics.ts";
import { createFakePush } from "./test/support/fake-push.ts";

// A service key pair per test run: the Worker signs with the private half, the fake ingester
// verifies with the public one (nothing private is committed).
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const kid = "edge-test";
const signingKey = { ...privateKey.export({ format: "jwk" }), kid, alg: "EdDSA" };
const verifyKey = { ...publicKey.export({ format: "jwk" }), kid, alg: "EdDSA" };
const ingester = createFakeIngester(verifyKey);
const push = createFakePush(verifyKey);
const media = createFakeMedia(verifyKey);

// Redis behind the harness's Upstash REST endpoint, for the presence and limiter contract tests
// (started here rather than in a globalSetup: under the workers plugin a globalSetup's Node
// clients resolve with worker conditions and cannot reach Redis).
const { upstash } = await ensureServices({ only: ["upstash"] });

/** Miniflare's Request → Node's fetch → Miniflare's Response. */
async function toRealService(request: Request): Promise<Response> {
  const body = request.method === "GET" ? undefined : await request.arrayBuffer();
  const response = await fetch(request.url, {
    method: request.method,
    headers: Object.fromEntries(request.headers as unknown as Iterable<[string, string]>),
    body,
  });
  return new MiniflareResponse(await response.arrayBuffer(), {
    status: response.status,
    headers: Object.fromEntries(response.headers),
  }) as unknown as Response;
}

export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL("../wrangler.toml", import.meta.url)) },
      miniflare: {
        bindings: {
          WINDOW_SIZE: "300",
          RATE_USER_PER_SEC: "1",
          RATE_USER_BURST: "400",
          RATE_CONN_PER_SEC: "1",
          RATE_CONN_BURST: "300",
          REGION_OUTBOX_BATCH_SIZE: "50",
          REGION_OUTBOX_MAX_AGE_MS: "0",
          TYPING_TTL_MS: "1000",
          TICKET_TTL_MS: "1500",
          // Two regions (geo-router catalog) served by the fake ingester below.
          REGIONS: JSON.stringify(
            [
              ["test-a", { lat: 50.1, lon: 8.7 }],
              ["test-b", { lat: 39.0, lon: -77.5 }],
            ].map(([id, location]) => ({
              id,
              name: `Test ${id}`,
              location,
              ingestUrl: `http://ingest.test/${id}`,
              historyUrl: `http://ingest.test/${id}`,
            })),
          ),
          DEFAULT_REGION: "test-a",
          SERVICE_SIGNING_KEY: JSON.stringify(signingKey),
          PUSH_WEBHOOK_URL: "http://push.test/notify",
          PUSH_COLLAPSE_MS: "1500",
          // Latency points go where `npm start`'s collector would take them (fake-metrics.ts).
          METRICS_COLLECTOR_URL: `http://${METRICS_HOST}`,
          // Global limits: per user high enough for every suite; per IP low, and only tests that
          // send CF-Connecting-IP meet it (test/global-limits.test.ts).
          RATE_GLOBAL_USER_PER_MIN: "1000000",
          RATE_GLOBAL_IP_PER_MIN: "40",
          TEST_UPSTASH_URL: upstash.url,
          TEST_UPSTASH_TOKEN: upstash.token,
        },
        // The Worker's network: the fake regions (ingest.test: ingest, history and media
        // APIs), the fake push webhook and the fake metrics collector.
        // Loopback goes to the real services (the harness's Upstash REST endpoint for Redis).
        outboundService: (request: Request) =>
          new URL(request.url).hostname === "127.0.0.1"
            ? toRealService(request)
            : new URL(request.url).hostname === "push.test"
              ? push(request)
              : new URL(request.url).hostname === METRICS_HOST
                ? fakeMetrics(request)
                : isMediaRequest(request)
                  ? media(request)
                  : ingester(request),
      },
    }),
  ],
  test: {
    name: "edge",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Generous: the machine is shared; tests wait for conditions, never for fixed times.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
