// A push that reaches a device, across deployables: the edge Worker in workerd → region-core (a
// child process, embedded event log) → its notifier → a real local Web Push service that checks the
// VAPID JWT and decrypts the payload with the subscription's private key. Bob registers three
// browser devices through the edge; one has a live presence heartbeat (connected), one's
// subscription has expired; Alice writes while Bob has no inbox socket open. Only the offline
// device gets the push, the connected one gets none, the expired one is removed from the registry;
// after Bob mutes the conversation, the next message is suppressed by the notifier. Then the region
// goes down while a push is due: the InboxDO's push outbox keeps it, and the device gets it once
// the region is back. The region stores through the shared embedded store (as under `npm start`),
// so its device registry outlives the restart. Last, a device whose SDK acked a message under its
// device id gets no push for it, while the user's other device does. And in a group both members
// muted, a plain message reaches neither phone while one that @mentions bob reaches his only.
import { createECDH } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEdge, startEdge, UNLIMITED_RATES } from "../src/edge.ts";
import { serviceKeys } from "../src/keys.ts";
import { chatUser } from "../src/users.ts";
import { until } from "../src/ports.ts";
import { RegionProcess } from "../src/region.ts";
// The local push endpoints are region-core's test support (the provider tests use them too).
import { startWebPushService } from "../../region-core/test/push/endpoints.ts";
import {
  type RunningSharedStore,
  startSharedStore,
} from "../../region-core/src/repositories/shared/server.ts";

let web: Awaited<ReturnType<typeof startWebPushService>>;
let store: RunningSharedStore;
let region: RegionProcess;
let edge: RunningEdge;

/** A VAPID key pair (P-256) as URL-safe base64: public point and private scalar. */
function vapidKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    publicKey: ecdh.getPublicKey().toString("base64url"),
    // The scalar is 32 bytes; a leading zero byte would be dropped, so pad it back.
    privateKey: Buffer.concat([Buffer.alloc(32), ecdh.getPrivateKey()])
      .subarray(-32)
      .toString("base64url"),
  };
}

beforeAll(async () => {
  const keys = serviceKeys();
  const vapid = vapidKeys();
  web = await startWebPushService();
  store = await startSharedStore({ regions: ["eu-west"] });
  region = await RegionProcess.create({
    regionId: "eu-west",
    env: {
      ADAPTERS: "embedded",
      EMBEDDED_STORE_URL: store.url,
      SERVICE_JWKS: JSON.stringify(keys.jwks),
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:e2e@edge-chat.example",
    },
  });
  await region.start();
  edge = await startEdge({
    regions: [region.url],
    signingKey: keys.signingKey,
    vars: { ...UNLIMITED_RATES, PUSH_COLLAPSE_MS: "1000" },
  });
});

afterAll(async () => {
  await edge?.dispose();
  await region?.stop();
  await store?.stop();
  await web?.close();
});

/** The region's count of pushes its notifier suppressed for a mute (summed over its label sets). */
async function mutedPushes(): Promise<number> {
  const text = await (await fetch(`${region.url}/metrics`)).text();
  let total = 0;
  for (const [, value] of text.matchAll(
    /^region_push_events_total\{[^}]*outcome="muted"[^}]*\} (\S+)$/gm,
  )) {
    total += Number(value);
  }
  return total;
}

async function token(userId: string): Promise<string> {
  const res = await fetch(`${edge.baseUrl}/dev/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  return ((await res.json()) as { token: string }).token;
}

function as(bearer: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${edge.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
  };
}

describe("push across the edge, region-core and a Web Push service", () => {
  it("pushes to the offline device only, drops the expired subscription, and a mute suppresses", async () => {
    const run = Math.random().toString(36).slice(2, 8);
    const alice = as(await token(`alice-${run}`));
    const bob = as(await token(`bob-${run}`));

    const offline = web.subscribe();
    const connected = web.subscribe();
    const expired = web.subscribe();
    web.behaviours.set(expired.id, { kind: "fail", status: 410 });
    const register = async (name: string, subscription: unknown) => {
      const res = await bob("POST", "/v1/devices", {
        name,
        push: { platform: "web", subscription },
      });
      expect(res.status).toBe(201);
      return res.body.deviceId as string;
    };
    await register("home", offline.subscription);
    const laptop = await register("laptop", connected.subscription);
    const old = await register("old tab", expired.subscription);
    expect((await bob("GET", "/v1/devices")).body.devices).toHaveLength(3);

    // The laptop has a socket open: its SDK sends presence heartbeats with its device id.
    expect((await bob("POST", "/v1/presence/heartbeat", { deviceId: laptop })).status).toBe(204);

    const direct = await alice("POST", "/v1/conversations/direct", { peerId: `bob-${run}` });
    const conversationId = direct.body.conversationId as string;
    const sent = await alice("POST", `/v1/conversations/${conversationId}/messages`, {
      clientMsgId: "m1",
      content: { kind: "text", text: "are you there?" },
    });
    expect(sent.status).toBeLessThan(300);

    await until(() => web.received.some((r) => r.id === offline.id), "the offline device's push", {
      timeoutMs: 60_000,
    });
    expect(web.received.find((r) => r.id === offline.id)?.payload).toMatchObject({
      conversationId,
      kind: "direct",
      count: 1,
      senderId: `alice-${run}`,
      preview: "are you there?",
    });
    // The same push event was decided for every device at once: the connected one was skipped.
    expect(web.received.some((r) => r.id === connected.id)).toBe(false);
    await until(
      async () =>
        !(await bob("GET", "/v1/devices")).body.devices.some(
          (d: { deviceId: string }) => d.deviceId === old,
        ),
      "the expired subscription's removal",
      { timeoutMs: 60_000 },
    );

    // Bob mutes the conversation: Alice's next message reaches no device. The notifier counts the
    // suppressed event (region_push_events_total{outcome="muted"}), which is the sync point.
    const muted = await bob("PUT", "/v1/notification-settings", {
      previews: true,
      muted: { [conversationId]: {} },
    });
    expect(muted.status).toBe(200);
    await alice("POST", `/v1/conversations/${conversationId}/messages`, {
      clientMsgId: "m2",
      content: { kind: "text", text: "muted?" },
    });
    await until(
      async () => {
        const text = await (await fetch(`${region.url}/metrics`)).text();
        return /region_push_events_total\{[^}]*outcome="muted"[^}]*\} 1/.test(text);
      },
      "the muted push to be suppressed",
      { timeoutMs: 60_000 },
    );
    expect(web.received.some((r) => (r.payload as { preview?: string }).preview === "muted?")).toBe(
      false,
    );
  });

  it("keeps a push due while the region is down and delivers it once the region is back", async () => {
    const run = Math.random().toString(36).slice(2, 8);
    const [carol, dave] = [`carol-${run}`, `dave-${run}`];
    const asCarol = as(await token(carol));
    const asDave = as(await token(dave));
    const phone = web.subscribe();
    const registered = await asDave("POST", "/v1/devices", {
      name: "phone",
      push: { platform: "web", subscription: phone.subscription },
    });
    expect(registered.status).toBe(201);
    const direct = await asCarol("POST", "/v1/conversations/direct", { peerId: dave });
    const conversationId = direct.body.conversationId as string;

    await region.stop();
    const sent = await asCarol("POST", `/v1/conversations/${conversationId}/messages`, {
      clientMsgId: "outage-1",
      content: { kind: "text", text: "while the region is down" },
    });
    expect(sent.status).toBeLessThan(300);
    // Dave's list shows the message: his InboxDO took the update, and with it decided the push
    // (one transaction), which now waits in its push outbox while every attempt fails.
    await until(
      async () => {
        const list = await asDave("GET", "/v1/conversations");
        return list.body?.conversations?.some(
          (c: { conversationId: string; lastSeq: number }) =>
            c.conversationId === conversationId && c.lastSeq === 1,
        );
      },
      "dave's inbox to take the message",
      { timeoutMs: 60_000 },
    );
    expect(web.received.some((r) => r.id === phone.id)).toBe(false);

    await region.start();
    await until(() => web.received.some((r) => r.id === phone.id), "the push after the outage", {
      timeoutMs: 120_000,
    });
    expect(web.received.filter((r) => r.id === phone.id)).toHaveLength(1);
    expect(web.received.find((r) => r.id === phone.id)?.payload).toMatchObject({
      conversationId,
      count: 1,
      senderId: carol,
      preview: "while the region is down",
    });
  });

  it("skips the device that already received the message (its delivered frame named it)", async () => {
    const erin = await chatUser(edge.baseUrl, "erin");
    const frank = await chatUser(edge.baseUrl, "frank");
    const laptopSub = web.subscribe();
    const phoneSub = web.subscribe();
    const laptop = await frank.client.registerDevice({
      name: "laptop",
      role: "companion",
      push: { platform: "web", subscription: laptopSub.subscription },
    });
    await frank.client.registerDevice({
      name: "phone",
      role: "phone",
      push: { platform: "web", subscription: phoneSub.subscription },
    });
    const { conversationId } = await erin.client.createDirect(frank.userId);

    // Frank's laptop has the chat open (no presence heartbeats): the SDK acks what it receives
    // under the laptop's device id. Erin sees "delivered", so the device's watermark is stored.
    const onLaptop = await frank.open(conversationId, { deviceId: laptop.deviceId });
    const erinSession = await erin.open(conversationId);
    let delivered = 0;
    erinSession.on("status", (s) => {
      if (s.status === "delivered") delivered = Math.max(delivered, s.upToSeq);
    });
    await erinSession.sendText("seen on the laptop");
    await until(() => delivered >= 1, "erin to see delivered");
    onLaptop.close();

    // Frank's inbox now takes the message: the push goes to the phone only.
    await until(() => web.received.some((r) => r.id === phoneSub.id), "the phone's push", {
      timeoutMs: 60_000,
    });
    expect(web.received.find((r) => r.id === phoneSub.id)?.payload).toMatchObject({
      conversationId,
      lastSeq: 1,
      preview: "seen on the laptop",
    });
    // One event for both devices: the laptop was skipped in the same decision.
    expect(web.received.some((r) => r.id === laptopSub.id)).toBe(false);
    erin.closeAll();
    frank.closeAll();
  });

  it("a mention goes through a real mute; a plain message and an unmentioned member stay quiet", async () => {
    const [alice, bob, carol] = await Promise.all(
      ["alice", "bob", "carol"].map((n) => chatUser(edge.baseUrl, n)),
    );
    const bobPhone = web.subscribe();
    const carolPhone = web.subscribe();
    for (const [user, sub] of [
      [bob!, bobPhone],
      [carol!, carolPhone],
    ] as const) {
      await user.client.registerDevice({
        name: "phone",
        role: "phone",
        push: { platform: "web", subscription: sub.subscription },
      });
    }
    // Bob and carol have their lists open while the group is made and muted (a connected device
    // gets no push), and close them once the group's row reached them: from then on, every push
    // for the group is decided by a message below, so the notifier's muted count is exact.
    const lists = [bob!, carol!].map((u) => u.client.openInbox());
    await until(() => lists.every((l) => l.state === "open"), "both lists connected");
    const group = await alice!.client.createGroup({
      name: "muted group",
      memberIds: [bob!.userId, carol!.userId],
    });
    const id = group.conversationId;
    await bob!.client.mute(id);
    await carol!.client.mute(id);
    await until(
      () => lists.every((l) => l.conversation(id) !== undefined),
      "the group in both lists",
    );
    for (const list of lists) list.close();

    const pushesFor = (sub: { id: string }) =>
      web.received.filter(
        (r) => r.id === sub.id && (r.payload as { conversationId?: string }).conversationId === id,
      );
    const session = await alice!.open(id);
    const before = await mutedPushes();
    await session.sendText("lunch at noon");
    // One suppressed push per muted member: the sync point that both were decided and dropped.
    await until(async () => (await mutedPushes()) >= before + 2, "both muted pushes suppressed", {
      timeoutMs: 60_000,
    });
    expect(pushesFor(bobPhone)).toEqual([]);
    expect(pushesFor(carolPhone)).toEqual([]);

    await session.sendText(`@${bob!.userId} can you book it?`);
    await until(() => pushesFor(bobPhone).length > 0, "bob's mention push", { timeoutMs: 60_000 });
    expect(pushesFor(bobPhone)).toHaveLength(1);
    expect(pushesFor(bobPhone)[0]!.payload).toMatchObject({
      conversationId: id,
      kind: "group",
      senderId: alice!.userId,
      preview: `@${bob!.userId} can you book it?`,
    });
    // Carol was not mentioned: her push for the same message is suppressed by her mute.
    await until(async () => (await mutedPushes()) >= before + 3, "carol's muted push", {
      timeoutMs: 60_000,
    });
    expect(pushesFor(carolPhone)).toEqual([]);
    for (const user of [alice!, bob!, carol!]) user.closeAll();
  });
});
