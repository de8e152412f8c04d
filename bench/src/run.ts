// `npm run bench` runs every benchmark (the `all` script); `npm run bench -- <name> [args]` runs
// one of bench/package.json's scripts with its arguments (e.g. `npm run bench -- fanout --quick`).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const scripts = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
const [name = "all", ...args] = process.argv.slice(2);
if (!(name in scripts) || name === "bench") {
  console.error(`unknown benchmark "${name}"; one of: ${Object.keys(scripts).join(", ")}`);
  process.exit(2);
}
const npm = process.env.npm_execpath;
const result = spawnSync(
  npm ? process.execPath : "npm",
  [...(npm ? [npm] : []), "run", name, ...(args.length > 0 ? ["--", ...args] : [])],
  { stdio: "inherit", cwd: new URL("..", import.meta.url) },
);
process.exit(result.status ?? 1);
