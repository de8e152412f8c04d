// Services harness tests: unit tests beside the code, and the smoke suite against the real services.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "services",
    root: import.meta.dirname,
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["./vitest.global-setup.ts"],
    // Starting Cassandra on a 2-core machine takes minutes; the hook timeout covers the first run.
    hookTimeout: 900_000,
    testTimeout: 120_000,
  },
});
