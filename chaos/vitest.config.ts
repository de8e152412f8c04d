import { defineProject } from "vitest/config";

// The short chaos set in `npm test`: each scenario with a few hundred messages and short faults,
// against the suite's own services (test/global-setup.ts), never the set the other tests share.
export default defineProject({
  test: {
    name: "chaos",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    fileParallelism: false,
    hookTimeout: 900_000,
    testTimeout: 600_000,
  },
});
