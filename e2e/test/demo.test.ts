// The demo web app in headless chromium (Debian's, driven by playwright-core) against the real edge
// Worker in workerd serving it: two users chat, ticks go to read, typing shows, a new group shows
// its members' presence in the list at once, a reload keeps the user signed in and in the chat, an
// unknown chat id is refused kindly, and the page works at phone width without sideways scrolling.
// Screenshots are kept in e2e/test/artifacts/ (gitignored).
import { execFileSync } from "node:child_process";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../tools/metrics/test/browser.ts";
import { type RunningEdge, serviceKeys, startEdge, UNLIMITED_RATES } from "../src/index.ts";
import { openDirect, shot, signIn as signInAt } from "./browser-support.ts";

let edge: RunningEdge;
let browser: Browser;

beforeAll(async () => {
  // The Worker serves client/demo/public as its assets: build the page first.
  execFileSync("npm", ["run", "build:demo", "-w", "client"], { stdio: "ignore" });
  // No region: the demo's behaviour lives at the edge (the region outbox just accumulates).
  edge = await startEdge({
    regions: [],
    signingKey: serviceKeys().signingKey,
    vars: UNLIMITED_RATES,
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await edge?.dispose();
});

const signIn = (page: Page, userId: string) => signInAt(page, edge.baseUrl, userId);

describe("the demo in a browser", () => {
  it("lets two people chat like in a chat app, on a desktop and on a phone", async () => {
    const suffix = Date.now().toString(36);
    const [alice, bob] = [`alice-${suffix}`, `bob-${suffix}`];
    const a = await (
      await browser.newContext({ viewport: { width: 1200, height: 760 } })
    ).newPage();
    const b = await (
      await browser.newContext({ viewport: { width: 1200, height: 760 } })
    ).newPage();
    await signIn(a, alice);
    await signIn(b, bob);
    expect(await a.textContent("#state")).toBe("connected");

    // New chat → the form clears and the conversation opens.
    await openDirect(a, bob);
    expect(await a.textContent("#title")).toBe(bob);
    expect(await a.isHidden("#direct-form")).toBe(true);
    await a.fill("#text", "hello bob");
    await a.press("#text", "Enter");
    await a.waitForSelector('.msg.mine .ticks[title="sent"], .msg.mine .ticks[title="delivered"]');

    // Bob sees the chat in his list with an unread badge, opens it: no sender name in a direct
    // chat.
    const entry = b.locator("#conversations .conversation", { hasText: alice });
    await entry.locator(".badge").waitFor();
    // It reached Bob's device (his inbox socket) with the chat closed: a grey double tick.
    await a.waitForSelector('.msg.mine .ticks.delivered[title="delivered"]');
    expect(await a.textContent(".msg.mine .ticks")).toBe("✓✓");
    await shot(a, "demo-delivered-grey-ticks");
    // Alice is online: a green dot beside her name in Bob's list.
    await entry.locator(".dot.online").waitFor();
    expect(await entry.locator(".preview").textContent()).toBe("hello bob");
    // Alice types with Bob's chat closed: "typing…" in his list, gone when she stops.
    await a.type("#text", "still th");
    await entry.locator('.preview.typing:text("typing…")').waitFor();
    await shot(b, "demo-list-typing");
    await a.fill("#text", "");
    await entry.locator('.preview:not(.typing):text("hello bob")').waitFor();
    await entry.click();
    await b.waitForSelector(".msg:not(.mine) .body:text('hello bob')");
    expect(await b.locator(".msg .sender").count()).toBe(0);
    expect(await b.textContent(".day")).toBe("Today");
    expect(await b.locator(".msg time").first().textContent()).toMatch(/\d/);

    // Read ticks for Alice; Bob's typing shows on her side; his reply arrives.
    await a.waitForSelector('.msg.mine .ticks[title="read"]');
    await b.type("#text", "hi al");
    await a.waitForSelector(`#typing:text("${bob} is typing")`);
    await b.fill("#text", "hi alice!");
    await b.press("#text", "Enter");
    await a.waitForSelector(".msg:not(.mine) .body:text('hi alice!')");
    // A group appears in Bob's list with who of its members is online (Alice's page heartbeats).
    await a.click("#new-group");
    await a.fill("#group-name", `team ${suffix}`);
    await a.fill("#group-members", bob);
    await a.click("#group-form button[type=submit]");
    const group = b.locator("#conversations .conversation", { hasText: `team ${suffix}` });
    await group.locator(".presence", { hasText: "1 online" }).waitFor();
    await a
      .locator("#conversations .conversation", { hasText: bob })
      .filter({ hasNotText: `team ${suffix}` })
      .click();
    await a.waitForSelector(".msg:not(.mine) .body:text('hi alice!')");
    await shot(a, "demo-desktop-alice");
    await shot(b, "demo-desktop-bob");

    // A reload keeps Alice signed in and in the chat, with its history.
    await a.reload();
    await a.waitForSelector("#conversation:not([hidden])");
    expect(await a.isHidden("#login")).toBe(true);
    await a.waitForSelector(".msg .body:text('hi alice!')");

    // An unknown chat id: a friendly message and back to the list, not an empty chat.
    await a.goto(`${edge.baseUrl}/#${encodeURIComponent("g:doesnotexist")}`);
    await a.reload();
    await a.waitForSelector('#error:text("does not exist")');
    await a.waitForSelector("#conversation[hidden]", { state: "attached" });

    // Sign out → the sign-in form; the next load does not sign in again.
    await a.click("#sign-out");
    await a.waitForSelector("#login:not([hidden])");
    await a.reload();
    expect(await a.isVisible("#login")).toBe(true);

    // Phone width: one column (the list, then the chat with a back button), no sideways scroll.
    const phone = await (
      await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      })
    ).newPage();
    await signIn(phone, bob);
    await shot(phone, "demo-phone-list");
    await phone.locator("#conversations .conversation", { hasText: alice }).click();
    await phone.waitForSelector(".msg .body:text('hi alice!')");
    expect(await phone.isHidden("#sidebar")).toBe(true);
    const widths = await phone.evaluate(
      `({ page: document.documentElement.scrollWidth, messages: document.getElementById("messages").clientWidth })`,
    );
    expect(widths).toMatchObject({ page: 390 });
    expect((widths as { messages: number }).messages).toBeGreaterThan(300);
    await shot(phone, "demo-phone-chat");
    await phone.click("#leave");
    expect(await phone.isVisible("#sidebar")).toBe(true);
  });

  it("shows a group of three its grey double tick and who is typing in the list", async () => {
    const suffix = Date.now().toString(36);
    const [alice, bob, carol] = [`alice-${suffix}`, `bob-${suffix}`, `carol-${suffix}`];
    const page = async () =>
      (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
    const [a, b, c] = await Promise.all([page(), page(), page()]);
    await signIn(a, alice);
    await signIn(b, bob);
    await a.click("#new-group");
    await a.fill("#group-name", `trio ${suffix}`);
    await a.fill("#group-members", `${bob}, ${carol}`);
    await a.click("#group-form button[type=submit]");
    await a.waitForSelector("#conversation:not([hidden])");
    await a.fill("#text", "hi both");
    await a.press("#text", "Enter");
    // Bob's list has it; Carol has no device: one tick (delivered means every other member).
    const bobsRow = b.locator("#conversations .conversation", { hasText: `trio ${suffix}` });
    await bobsRow.locator('.preview:text("hi both")').waitFor();
    await a.waitForSelector('.msg.mine .ticks[title="sent"]');
    // The header names the new group (not its id) once the row reaches Alice's list.
    await a.waitForSelector(`#title:text-is("trio ${suffix}")`);
    await shot(a, "demo-group-sent-tick");
    // Carol signs in (her list acknowledges what arrived while she was away): grey double tick.
    await signIn(c, carol);
    await a.waitForSelector('.msg.mine .ticks.delivered[title="delivered"]');
    // Both on their lists: the next message turns grey from the inboxes' answers alone.
    await a.fill("#text", "and again");
    await a.press("#text", "Enter");
    await a.waitForSelector('.msg.mine:has(.body:text("and again")) .ticks[title="delivered"]');
    expect(await a.locator('.msg.mine .ticks[title="delivered"]').count()).toBe(2);
    await shot(a, "demo-group-delivered-grey-ticks");
    // Carol types in the group: "carol is typing…" in Bob's list, gone when she stops.
    await c.locator("#conversations .conversation", { hasText: `trio ${suffix}` }).click();
    // Her session is open once the history shows (typing before that is not sent).
    await c.waitForSelector(".msg .body:text('and again')");
    await c.type("#text", "on my w");
    await bobsRow.locator(`.preview.typing:text("${carol} is typing…")`).waitFor();
    await shot(b, "demo-group-list-typing");
    await c.fill("#text", "");
    await bobsRow.locator('.preview:not(.typing):text("and again")').waitFor();
  });
});
