import { defineConfig } from "vitest/config";

// Unit tests beside the code (pure: buckets, config, migration files) and integration tests in
// test/ against the real two-datacenter Cassandra, which the services harness starts if it is not
// running yet (and leaves running, so the next run reuses it).
export default defineConfig({
  test: {
    name: "cql",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["../tools/services/vitest.global-setup.ts"],
    env: { EDGE_CHAT_SERVICES_ONLY: "cassandra" },
    // The first start of Cassandra takes minutes on two cores; DDL on a 2-DC cluster is slow too.
    hookTimeout: 900_000,
    testTimeout: 600_000,
  },
});
