import { defineProject } from "vitest/config";

// Unit tests sit beside the code; integration suites under test/ talk to the real Kafka and
// Cassandra started by the services harness (see test/vitest.config.ts usage in README).
export default defineProject({
  test: {
    name: "region-core",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
