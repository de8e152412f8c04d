// What the demo's browser tests share: signing in on the demo page, and screenshots kept under
// e2e/test/artifacts/ (gitignored).
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";

export const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

export async function signIn(page: Page, baseUrl: string, userId: string): Promise<void> {
  await page.goto(baseUrl);
  await page.fill("#user-id", userId);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#layout:not([hidden])");
  await page.waitForSelector('#state[data-state="open"]');
}

/** Opens (or creates) the direct chat with `peer` through the "New chat" form. */
export async function openDirect(page: Page, peer: string): Promise<void> {
  await page.click("#new-direct");
  await page.fill("#peer-id", peer);
  await page.click("#direct-form button[type=submit]");
  await page.waitForSelector("#conversation:not([hidden])");
}

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
