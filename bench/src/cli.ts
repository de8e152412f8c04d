// `npm run bench -- <name> [args]` runs one benchmark (bench/src/<name>.ts, or <name>/main.ts) with
// its arguments; `npm run bench` with no name runs them all, one after another.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHMARKS = [
  "edge-send",
  "ingest",
  "kafka-clients",
  "conversation-list",
  "history",
  "e2e-lag",
  "cross-region-lag",
  "fanout",
];
const FILES: Record<string, string> = { fanout: "./fanout/main.ts" };
const [name, ...args] = process.argv.slice(2);
if (name !== undefined && !BENCHMARKS.includes(name)) {
  console.error(`unknown benchmark ${name}; one of: ${BENCHMARKS.join(", ")}`);
  process.exit(2);
}
for (const bench of name === undefined ? BENCHMARKS : [name]) {
  const file = fileURLToPath(new URL(FILES[bench] ?? `./${bench}.ts`, import.meta.url));
  const { status } = spawnSync(process.execPath, [file, ...args], { stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
}
