// Headless Debian chromium through playwright-core (no browser download): found on PATH or at
// CHROMIUM_PATH. Screenshots go to test/artifacts/ (gitignored), kept for people to look at.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], {
      encoding: "utf8",
    }).trim();
  } catch {
    throw new Error(
      "chromium not found: apt-get install chromium (.ci/run does) or set CHROMIUM_PATH",
    );
  }
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    // Root in CI containers cannot use chromium's sandbox; the pages are our own.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}
