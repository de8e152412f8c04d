// Issue #14's "done" in the demo: with only `npm start` (tools/dev/start.ts on free ports), people
// use the message features by clicking, in headless Chromium (Debian's, driven by playwright-core):
// alice edits her message and bob sees "(edited)"; bob reacts and replies with a quote; alice
// deletes a message for everyone and bob sees the tombstone; bob mutes the chat (the region's
// notification settings say so); alice makes an invite link for a group and carol, a third user,
// joins with it and writes there; last, alice blocks bob: his header withdraws her presence at once
// and his next message is refused with the `blocked` error. Group administration (the "Group"
// button): bob, a member, is refused; alice renames, describes, turns "only admins send" on (bob's
// message refused) and off, promotes bob (who renames) and demotes him; bob sees each system message.
// Screenshots in e2e/test/artifacts/.
import { fetchDevToken } from "@edge-chat/client";
import type { Browser, Dialog, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../tools/metrics/test/browser.ts";
import { type DevStack, startDevStack } from "../src/dev-stack.ts";
import { openDirect, shot, signIn } from "./browser-support.ts";

let stack: DevStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startDevStack();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A signed-in page whose prompts are answered, in order, from `answers` (see `answer`). */
interface DemoPage {
  page: Page;
  answers: Array<string | ((dialog: Dialog) => Promise<void>)>;
}

async function demoPage(userId: string): Promise<DemoPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const answers: DemoPage["answers"] = [];
  page.on("dialog", (dialog) => {
    const next = answers.shift();
    if (next === undefined) void dialog.dismiss();
    else if (typeof next === "string") void dialog.accept(next);
    else void next(dialog);
  });
  await signIn(page, stack.edgeUrl, userId);
  return { page, answers };
}

/** GET `path` on the edge as `userId` (a dev token), for checks behind what the page shows. */
const devTokens = new Map<string, Promise<string>>();
async function apiAs<T>(userId: string, path: string): Promise<T> {
  let token = devTokens.get(userId);
  if (!token) {
    token = fetchDevToken(stack.edgeUrl, userId);
    devTokens.set(userId, token);
  }
  const res = await fetch(`${stack.edgeUrl}${path}`, {
    headers: { authorization: `Bearer ${await token}` },
  });
  return (await res.json()) as T;
}

/** Clicks the message showing `text` and answers the action prompts that follow. */
async function act(on: DemoPage, text: string, ...answers: string[]): Promise<void> {
  on.answers.push(...answers);
  await on.page.locator("#messages li[data-seq] .body", { hasText: text }).click();
}

const bubble = (page: Page, text: string) =>
  page.locator("#messages li[data-seq]", { hasText: text }).waitFor({ timeout: 60_000 });

async function send(page: Page, text: string): Promise<void> {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
  await bubble(page, text);
}

/** Sends `text` and waits for the refusal with error `code`; the bubble does not linger. */
async function sendRefused(page: Page, text: string, code: string): Promise<void> {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
  await expect
    .poll(() => page.getAttribute("#error", "title"), { timeout: 60_000 })
    .toMatch(new RegExp(`^${code}: `));
  // The refused message does not linger as if it were still being sent.
  await expect.poll(() => page.locator("#messages li", { hasText: text }).count()).toBe(0);
}

describe("the demo under npm start: the message features by clicking", () => {
  it("edit, react, reply, delete, mute, invite link joined by a third user and revoked, block", async () => {
    const suffix = Date.now().toString(36);
    const [alice, bob, carol] = ["alice", "bob", "carol"].map((n) => `${n}-${suffix}`);
    const a = await demoPage(alice!);
    const b = await demoPage(bob!);
    await openDirect(a.page, bob!);
    await openDirect(b.page, alice!);

    // Edit: alice's own message, "(edited)" on bob's screen.
    await send(a.page, "lunch at noon?");
    await bubble(b.page, "lunch at noon?");
    await act(a, "lunch at noon?", "e", "lunch at one?");
    await bubble(b.page, "lunch at one? (edited)");

    // React, then reply with a quote of the (edited) message.
    await act(b, "lunch at one?", "👍");
    await bubble(a.page, "👍1");
    await act(b, "lunch at one?", "r", "works for me");
    // The reply carries a quote of the message as it is now (the edited text).
    await bubble(a.page, "↪ lunch at one? · works for me");

    // Delete for everyone: a tombstone on both screens, the text gone.
    await send(a.page, "wrong chat, sorry");
    await bubble(b.page, "wrong chat, sorry");
    await act(a, "wrong chat, sorry", "d");
    await bubble(b.page, "This message was deleted");
    expect(await b.page.locator("#messages", { hasText: "wrong chat" }).count()).toBe(0);
    await shot(b.page, "demo-features-1-bob-edit-react-reply-delete");

    // Mute until unmuted (an empty answer): the notification settings the notifier reads say so.
    b.answers.push("");
    await b.page.click("#mute");
    const direct = decodeURIComponent(new URL(b.page.url()).hash.slice(1));
    await expect
      .poll(
        async () =>
          (await apiAs<{ muted?: Record<string, unknown> }>(bob!, "/v1/notification-settings"))
            .muted?.[direct],
        { timeout: 60_000 },
      )
      .toEqual({});
    expect(await b.page.textContent("#error")).toBe("");

    // An invite link: alice makes a group with bob, creates a token; carol joins with it.
    await a.page.click("#new-group");
    await a.page.fill("#group-name", `lunch ${suffix}`);
    await a.page.fill("#group-members", bob!);
    await a.page.click("#group-form button[type=submit]");
    await a.page.waitForFunction(
      (name) =>
        (
          globalThis as unknown as {
            document: { getElementById(id: string): { textContent: string } };
          }
        ).document.getElementById("title").textContent === name,
      `lunch ${suffix}`,
    );
    let token = "";
    a.answers.push(async (dialog) => {
      token = dialog.defaultValue();
      await dialog.accept();
    });
    await a.page.click("#invite");
    await expect.poll(() => token, { timeout: 60_000 }).not.toBe("");
    const c = await demoPage(carol!);
    c.answers.push(token);
    await c.page.click("#join-invite");
    await c.page.waitForSelector("#conversation:not([hidden])");
    await expect.poll(() => c.page.textContent("#title")).toBe(`lunch ${suffix}`);
    await send(c.page, "thanks for the link");
    await bubble(a.page, "thanks for the link");
    await shot(c.page, "demo-features-2-carol-joined-by-invite");

    // Alice revokes the group's links: the token carol used admits nobody after that.
    a.answers.push("r");
    await a.page.click("#group-admin");
    const lunch = decodeURIComponent(new URL(a.page.url()).hash.slice(1));
    await expect
      .poll(
        async () => {
          const path = `/v1/conversations/${encodeURIComponent(lunch)}/invites`;
          const { invites } = await apiAs<{ invites: { revoked: boolean }[] }>(alice!, path);
          return invites.length > 0 && invites.every((i) => i.revoked);
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    const d = await demoPage(`dave-${suffix}`);
    d.answers.push(token);
    await d.page.click("#join-invite");
    await expect
      .poll(() => d.page.getAttribute("#error", "title"), { timeout: 60_000 })
      .toMatch(/^not_found: /);

    // Block: alice goes back to the direct chat and blocks bob. Bob's header, showing her online,
    // withdraws it at once; his next message is refused.
    await a.page.locator("#conversations .conversation", { hasText: bob! }).click();
    await expect.poll(() => a.page.textContent("#title")).toBe(bob);
    await expect.poll(() => b.page.textContent("#presence"), { timeout: 60_000 }).toBe("online");
    await a.page.click("#block");
    await expect.poll(() => a.page.textContent("#block")).toBe("Unblock");
    await expect.poll(() => b.page.textContent("#presence"), { timeout: 60_000 }).toBe("offline");
    await expect.poll(() => a.page.textContent("#presence"), { timeout: 60_000 }).toBe("offline");
    await sendRefused(b.page, "are you there?", "blocked");
    await shot(b.page, "demo-features-3-bob-blocked");
    await shot(a.page, "demo-features-4-alice-blocked");
  });

  it("group administration: rename, description, admin-only sending, promote and demote", async () => {
    const suffix = Date.now().toString(36);
    const [alice, bob] = ["alice", "bob"].map((n) => `${n}-${suffix}`);
    const a = await demoPage(alice!);
    const b = await demoPage(bob!);
    const title = (page: Page) => page.textContent("#title");

    // Alice makes a group with bob (she is its admin); bob opens it from his list.
    await a.page.click("#new-group");
    await a.page.fill("#group-name", `plans ${suffix}`);
    await a.page.fill("#group-members", bob!);
    await a.page.click("#group-form button[type=submit]");
    await expect.poll(() => title(a.page), { timeout: 60_000 }).toBe(`plans ${suffix}`);
    await b.page
      .locator("#conversations .conversation", { hasText: `plans ${suffix}` })
      .click({ timeout: 60_000 });
    await expect.poll(() => title(b.page)).toBe(`plans ${suffix}`);
    expect(await b.page.isVisible("#group-admin")).toBe(true);

    // Bob, a plain member, is refused with the friendly `forbidden` text; nothing changes.
    // (Once his chat's socket is open: connecting clears the error line.)
    await b.page.waitForSelector('#state[data-state="open"]', { timeout: 60_000 });
    b.answers.push("n", "bob's plans");
    await b.page.click("#group-admin");
    await expect
      .poll(() => b.page.textContent("#error"), { timeout: 60_000 })
      .toBe("Only a group admin can do that.");
    expect(await b.page.getAttribute("#error", "title")).toMatch(/^forbidden: /);

    // Rename and description: bob's header follows, and both changes are system messages.
    a.answers.push("n", `friday ${suffix}`);
    await a.page.click("#group-admin");
    await bubble(b.page, `${alice} renamed the group to “friday ${suffix}”`);
    await expect.poll(() => title(b.page)).toBe(`friday ${suffix}`);
    await b.page
      .locator("#conversations .conversation.active", { hasText: `friday ${suffix}` })
      .waitFor({ timeout: 60_000 });
    a.answers.push("d", "lunch on fridays");
    await a.page.click("#group-admin");
    await bubble(b.page, `${alice} set the description: “lunch on fridays”`);

    // Only admins can send: bob's message is refused (and its bubble goes), alice's goes through.
    a.answers.push("o");
    await a.page.click("#group-admin");
    await bubble(b.page, `${alice} let only admins send`);
    await sendRefused(b.page, "can I still talk?", "forbidden");
    await send(a.page, "announcements only for now");
    await bubble(b.page, "announcements only for now");
    await shot(b.page, "demo-features-5-bob-admins-only");

    // Toggled off: everyone sends again.
    a.answers.push("o");
    await a.page.click("#group-admin");
    await bubble(b.page, `${alice} let everyone send`);
    await send(b.page, "back to talking");
    await bubble(a.page, "back to talking");

    // Promote bob: he sees it, and can now rename the group himself; then alice demotes him.
    a.answers.push("a", bob!);
    await a.page.click("#group-admin");
    await bubble(b.page, `${alice} made ${bob} an admin`);
    b.answers.push("n", `bob's friday ${suffix}`);
    await b.page.click("#group-admin");
    await bubble(a.page, `${bob} renamed the group to “bob's friday ${suffix}”`);
    await expect.poll(() => title(a.page)).toBe(`bob's friday ${suffix}`);
    a.answers.push("m", bob!);
    await a.page.click("#group-admin");
    await bubble(b.page, `${alice} made ${bob} a member`);
    await shot(b.page, "demo-features-6-bob-group-admin");
    await shot(a.page, "demo-features-7-alice-group-admin");
  });
});
