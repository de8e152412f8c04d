// Smoke test of the fan-out benchmark: runs it at its smallest size (3 members, both servers,
// silent and with delivered acks) and checks that every stdout line is a well-formed JSON case line.
// It asserts nothing about time.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { lineProblems } from "../src/fanout/report.ts";

it("prints one well-formed JSON line per case", async () => {
  const main = fileURLToPath(new URL("../src/fanout/main.ts", import.meta.url));
  const child = spawn(process.execPath, [main, "--smoke"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(code, stderr).toBe(0);
  const lines = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.map((l) => l.delivered)).toEqual([false, true]);
  for (const line of lines) {
    expect(lineProblems(line)).toEqual([]);
    expect(line).toMatchObject({ bench: "fanout", members: 3, rate: 10 });
    expect(line.expected).toBe(3 * 5);
  }
});
