import { defineConfig } from "vitest/config";

// Pure unit and property tests; nothing here does I/O, so plain Node is enough.
export default defineConfig({
  test: {
    name: "geo-router",
    include: ["src/**/*.test.ts"],
  },
});
