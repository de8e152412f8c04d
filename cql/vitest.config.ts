import { defineConfig } from "vitest/config";

// Unit tests beside the code (pure: buckets, config, migration files) and integration tests in
// test/ against the real two-datacenter Cassandra from the project's services harness.
export default defineConfig({
  test: {
    name: "cql",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
