// `npm run chaos -- <scenario>|all [--short]`: starts the suite's own real services (if needed) and
// one system, runs the scenarios one after another and prints one JSON line per scenario on stdout
// (progress on stderr). Exits 1 if any scenario lost, doubled or reordered a message.
import { parseArgs } from "node:util";
import { runFuzz } from "./fuzz.ts";
import { chaosOptions, SHORT } from "./options.ts";
import { runScenario, type ScenarioResult } from "./scenario.ts";
import { SCENARIOS } from "./scenarios/index.ts";
import { chaosServices } from "./services.ts";
import { startChaosSystem } from "./system.ts";

const USAGE = `usage: npm run chaos -- <${SCENARIOS.map((s) => s.name).join("|")}[,…]|all|fuzz> [--short]
${SCENARIOS.map((s) => `  ${s.name.padEnd(20)} ${s.summary}`).join("\n")}
  fuzz                 generated frames and HTTP bodies at an edge: typed errors only
  --short              the npm-test sizes (${SHORT.messages} messages, ${SHORT.faultMs} ms faults)
Sizes: CHAOS_MESSAGES, CHAOS_CONVERSATIONS, CHAOS_IN_FLIGHT, CHAOS_FAULT_MS, CHAOS_DEADLINE_MS,
CHAOS_RATE; fuzz: CHAOS_FUZZ_FRAMES, CHAOS_FUZZ_REQUESTS, CHAOS_FUZZ_SEED.`;

const began = Date.now();
const log = (message: string) =>
  console.error(`[chaos +${((Date.now() - began) / 1000).toFixed(1)}s] ${message}`);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { short: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
  });
  const wanted = positionals[0];
  if (wanted === "fuzz") {
    const options = values.short ? SHORT : chaosOptions(process.env);
    const result = await runFuzz(options.fuzz, log);
    console.log(JSON.stringify(result));
    return result.untyped === 0 && result.bystander_ok ? 0 : 1;
  }
  // One scenario, several (comma-separated, in the order given) or all.
  const names = wanted?.split(",") ?? [];
  const chosen =
    wanted === "all"
      ? SCENARIOS
      : names.flatMap((name) => SCENARIOS.filter((s) => s.name === name));
  if (values.help || chosen.length === 0 || (wanted !== "all" && chosen.length !== names.length)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const options = values.short ? SHORT : chaosOptions(process.env);
  log("services (the suite's own set; see chaos/README.md)");
  const system = await startChaosSystem(await chaosServices());
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) {
      const result = await runScenario(scenario, system, options, log);
      console.log(JSON.stringify(result));
      results.push(result);
    }
  } finally {
    await system.stop();
  }
  // recovery_ms -1: the recovery never came (region-down: a conversation never returned home).
  const ok = (r: ScenarioResult) =>
    r.lost === 0 && r.duplicated === 0 && r.reordered === 0 && r.recovery_ms >= 0;
  return results.every(ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
