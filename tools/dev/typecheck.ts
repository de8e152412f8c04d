// Type-checks every package against its own tsconfig (one target each: ESNext, workerd, Node, DOM),
// so a stray Node or DOM global in shared code fails here rather than at runtime.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const projects = [
  "protocol",
  "geo-router",
  "edge",
  "region-core",
  "cql",
  "client",
  "e2e",
  "bench",
  "chaos",
  "bench/floor",
  "tools",
  "terraform",
];
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

let failed = 0;
for (const project of projects) {
  if (!existsSync(`${root}/${project}/tsconfig.json`) || !hasSources(`${root}/${project}`))
    continue;
  const result = spawnSync(process.execPath, [tsc, "-p", `${project}/tsconfig.json`], {
    cwd: root,
    stdio: "inherit",
  });
  const ok = result.status === 0;
  console.log(`typecheck ${project}: ${ok ? "ok" : "FAILED"}`);
  if (!ok) failed++;
}
process.exit(failed === 0 ? 0 : 1);

function hasSources(dir: string): boolean {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).some(
    (file) => file.endsWith(".ts") && !file.includes("node_modules"),
  );
}
