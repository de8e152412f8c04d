import { defineProject } from "vitest/config";

// The benchmarks' smoke tests: each runs a benchmark at tiny sizes and checks only that its output
// is well formed (no test asserts on time).
export default defineProject({
  test: {
    name: "bench",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 300_000,
  },
});
