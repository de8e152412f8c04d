// Fails when a package's source imports itself in a circle (the design rule: dependencies point one
// way). One madge run per package, against that package's own tsconfig so its path rules apply.
// Type-only imports count as edges on purpose: a type import is still a dependency of the design,
// and the circle this check was written for (env.ts type-importing both Durable Objects) was made
// only of them. madge's TypeScript reader keeps them unless told to skip them, and we do not.
// Imports of other workspaces (@edge-chat/*) and platform modules are outside one package's graph;
// the workspaces' own dependency lists keep those pointing one way.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const madge = fileURLToPath(new URL("../../node_modules/madge/bin/cli.js", import.meta.url));
// Every workspace with a src/ folder (root package.json is the one list of packages).
const packages = (
  JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { workspaces: string[] }
).workspaces;

let failed = 0;
for (const pkg of packages) {
  if (!existsSync(`${root}/${pkg}/src`)) continue;
  const result = spawnSync(
    process.execPath,
    [
      madge,
      "--circular",
      "--no-spinner",
      "--no-color",
      "--extensions",
      "ts,tsx",
      "--ts-config",
      `${pkg}/tsconfig.json`,
      `${pkg}/src`,
    ],
    { cwd: root, encoding: "utf8" },
  );
  const ok = result.status === 0;
  console.log(`cycles ${pkg}: ${ok ? "none" : "FOUND"}`);
  if (!ok) {
    failed++;
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
  }
}
process.exit(failed === 0 ? 0 : 1);
