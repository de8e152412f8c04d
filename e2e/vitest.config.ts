import { defineProject } from "vitest/config";

// Tests that cross deployables: SDK clients over real WebSockets → the edge Worker in workerd →
// region-core child processes with the real Kafka and the real two-datacenter Cassandra (started by
// the services harness if needed; three-regions.test.ts starts its own three-datacenter cluster). Every wait is a condition with a generous bound, never a timing.
export default defineProject({
  test: {
    name: "e2e",
    include: ["test/**/*.test.ts"],
    globalSetup: ["../tools/services/vitest.global-setup.ts"],
    env: { EDGE_CHAT_SERVICES_ONLY: "cassandra,kafka,s3" },
    // One system (regions + edge) per file, and the files one after another: two cores.
    fileParallelism: false,
    hookTimeout: 900_000,
    testTimeout: 600_000,
  },
});
