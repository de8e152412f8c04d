import { defineProject } from "vitest/config";

// Unit tests sit beside the code (src/**/*.test.ts); the suites under test/ run the contract tests
// on both adapter sets and the cross-region integration tests against the real Kafka and 2-DC
// Cassandra that the services harness starts (or reuses) in its global setup.
export default defineProject({
  test: {
    name: "region-core",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["../tools/services/vitest.global-setup.ts"],
    env: { EDGE_CHAT_SERVICES_ONLY: "cassandra,kafka,s3" },
    testTimeout: 180_000,
    // The first start of Cassandra takes minutes on two cores.
    hookTimeout: 900_000,
  },
});
