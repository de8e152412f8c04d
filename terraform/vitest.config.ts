import { defineConfig } from "vitest/config";

// Static checks of the HCL (parsed with @cdktf/hcl2json): no provider can be downloaded here, so
// `tofu validate` cannot run; these tests pin what matters to the rest of the repository instead.
export default defineConfig({
  test: {
    name: "terraform",
    include: ["test/**/*.test.ts"],
  },
});
