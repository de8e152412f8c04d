import { defineProject } from "vitest/config";

// Unit tests live beside the code (fakes only for pure SDK logic); integration tests under test/
// start the real edge Worker in workerd and drive SDK clients over real WebSockets.
export default defineProject({
  test: {
    name: "client",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
