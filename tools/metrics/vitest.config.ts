import { defineProject } from "vitest/config";

// Unit tests beside the code; the dashboard test under test/ drives Debian's chromium through
// playwright-core against a real region-core and the collector (no browser download).
export default defineProject({
  test: {
    name: "metrics",
    root: import.meta.dirname,
    include: ["*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
