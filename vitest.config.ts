import { defineConfig } from "vitest/config";

// One `vitest run` covers every package: each has its own vitest config (the edge runs inside
// workerd, the rest in Node), and integration suites start the real services through the harness.
export default defineConfig({
  test: {
    projects: ["*/vitest.config.ts", "tools/*/vitest.config.ts"],
    reporters: ["default", "./tools/dev/summary-reporter.ts"],
  },
});
