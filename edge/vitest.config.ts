// The edge's tests run inside workerd (Miniflare) with the root wrangler.toml; vars are overridden
// for tests (small window, rate limits a burst can hit, a fake ingester as the outbound network).
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { fakeIngester } from "./test/support/fake-ingester.ts";

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
          OUTBOX_BATCH_SIZE: "50",
          OUTBOX_MAX_AGE_MS: "100",
          TYPING_TTL_MS: "1000",
          TICKET_TTL_MS: "1500",
          REGIONS: JSON.stringify([
            { id: "test-a", ingestUrl: "http://ingest.test/test-a" },
            { id: "test-b", ingestUrl: "http://ingest.test/test-b" },
          ]),
        },
        outboundService: fakeIngester,
      },
    }),
  ],
  test: {
    name: "edge",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
