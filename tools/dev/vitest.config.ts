// Unit tests of the dev tools (npm start's supervisor); no services.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "dev", root: import.meta.dirname, include: ["**/*.test.ts"] },
});
